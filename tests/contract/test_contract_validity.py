"""The contract is a valid OpenAPI 3.1 document that schemathesis can load whole."""

import pytest
import schemathesis
from contract_document import CONTRACT_PATH, broken_refs
from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV31SpecValidator
from openapi_spec_validator.readers import read_from_filename
from openapi_spec_validator.shortcuts import validate
from referencing.exceptions import Unresolvable
from schemathesis.core.result import Err


def _describe(error) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


def test_every_ref_resolves():
    broken = broken_refs()
    if broken:
        pytest.fail(f"{len(broken)} $refs do not resolve:\n" + "\n".join(broken), pytrace=False)


def test_contract_is_valid_openapi_3_1():
    spec, base_uri = read_from_filename(str(CONTRACT_PATH))
    assert spec.get("openapi", "").startswith("3.1"), (
        f"openapi is {spec.get('openapi')!r}, not 3.1.x"
    )
    unresolvable = None
    try:
        errors = list(
            OpenAPIV31SpecValidator(SchemaPath.from_dict(spec, base_uri=base_uri)).iter_errors()
        )
        validate(spec, base_uri=base_uri)
    except Unresolvable as error:
        unresolvable = str(error)
    if unresolvable:
        pytest.fail(
            f"openapi-spec-validator cannot resolve $ref '{unresolvable}' "
            f"(relative to {CONTRACT_PATH.name}): see test_every_ref_resolves",
            pytrace=False,
        )
    if errors:
        pytest.fail("not valid OpenAPI 3.1:\n" + "\n".join(map(_describe, errors)), pytrace=False)


def test_schemathesis_loads_every_operation():
    schema = schemathesis.openapi.from_path(CONTRACT_PATH)
    results = list(schema.get_all_operations())
    failures = []
    for result in results:
        if isinstance(result, Err):
            error = result.err()
            where = f"{(error.method or '').upper()} {error.path or ''}".strip()
            failures.append(f"{where}: {error.message.splitlines()[0]} {_details(error.message)}")
    assert results, "schemathesis found no operation in the contract"
    if failures:
        pytest.fail(
            f"schemathesis cannot load {len(failures)} of {len(results)} operations:\n"
            + "\n".join(failures),
            pytrace=False,
        )


def _details(message: str) -> str:
    """The `Reference: ...` line of schemathesis' multi-line message, if any."""
    lines = [line.strip() for line in message.splitlines()[1:] if line.strip()]
    return "(" + "; ".join(lines[1:]) + ")" if len(lines) > 1 else ""
