"""Guessed rules: the constraints the contract chose where the published page is silent.

Each is marked in the contract on its schema node, `x-nexx-guessed: {keyword: reason}` (a
plain string marks every keyword of the node but `type`). A response that breaks only such
constraints did not break the API as published, only our reading of it:
  - on the reference and replay targets it fails as any other violation (our own server
    must keep our own rules);
  - on a URL target it is a warning naming each rule and its reason, unless the run asks
    for failures (`--guessed-rules=fail`, NEXX_GUESSED_RULES=fail).
A response that breaks a rule the page does state fails everywhere.

The schemas are read from the single-file bundle (contracts/bundled/), where every `$ref`
is local, so jsonschema follows them with no loader of ours.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nexx_conformance import constants as c
from nexx_conformance.contract_marks import guessed_reason

BUNDLE = Path(__file__).resolve().parents[2] / "contracts" / "bundled" / "nexx-user.openapi.yaml"
BUNDLE_URI = "urn:nexx:bundle"
WARN, FAIL = c.GUESSED_RULES_WARN, c.GUESSED_RULES_FAIL
BRANCHING = ("anyOf", "oneOf")
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Violation:
    """One broken constraint of a response body."""

    at: str  # JSON path in the body, e.g. $.result.user.gender
    keyword: str  # the JSON Schema keyword that failed, e.g. additionalProperties
    message: str
    guessed: str | None  # the contract's reason when the constraint is a guess, else None

    @property
    def rule(self) -> str:
        return f"{self.keyword} at {self.at}"


# The source the bundle is built from (scripts/bundle-contract writes source_digest()).
SOURCE_ROOT = BUNDLE.parents[1]
SOURCE_PARTS = ("nexx-user.openapi.yaml", "paths", "components")
DIGEST_LINE = re.compile(r"^# source sha256: (?P<digest>[0-9a-f]{64})$", re.MULTILINE)


def source_digest(root: Path = SOURCE_ROOT) -> str:
    """sha256 of the contract source's files, in byte order of their paths, as
    scripts/bundle-contract writes it into the bundle's header."""
    files = []
    for part in SOURCE_PARTS:
        found = root / part
        files.extend([found] if found.is_file() else found.rglob("*.yaml"))
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda file: file.relative_to(root).as_posix()):
        digest.update(file.read_bytes())
    return digest.hexdigest()


def stale_bundle(path: Path = BUNDLE, root: Path = SOURCE_ROOT) -> str | None:
    """Why the bundle is not the current source's (the suite loads the bundle), or None."""
    if not path.is_file():
        return f"{path.relative_to(root.parent)} is missing: run scripts/bundle-contract"
    with path.open(encoding="utf-8") as head:
        header = "".join(head.readline() for _ in range(5))
    recorded = DIGEST_LINE.search(header)
    if recorded is None or recorded.group("digest") != source_digest(root):
        return (
            f"{path.relative_to(root.parent)} is not built from the contract source in "
            f"{root.name}/ (edited since?): run scripts/bundle-contract"
        )
    return None


def bundle(path: Path = BUNDLE) -> dict[str, Any]:
    """The contract's bundle, parsed once per file and process (however the path is spelled:
    the quick pass's order, the coverage count and the drift report all read it)."""
    return _parsed(path.resolve())


@cache
def _parsed(path: Path) -> dict[str, Any]:
    import yaml

    # libyaml's loader where PyYAML has it: the bundle is 300 kB and read by every run
    # (drift report), 0.35 s with the pure-Python loader, 0.05 s with this one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def pointer(*parts: str) -> str:
    return "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def response_schema(
    method: str, template: str, status: int, document: dict | None = None
) -> str | None:
    """A `$ref` URI to the schema of the documented JSON response, or None."""
    document = document if document is not None else bundle()
    operation = (document.get("paths", {}).get(template) or {}).get(method.lower()) or {}
    responses = operation.get("responses") or {}
    code = str(status) if str(status) in responses else f"{str(status)[0]}XX"
    if code not in responses:
        code = "default" if "default" in responses else None
    if code is None:
        return None
    response = responses[code]
    where = "#/" + pointer("paths", template, method.lower(), "responses", code)
    if "$ref" in response:  # a shared response (components/responses): its schema is there
        where, response = response["$ref"], resolve_local(document, response["$ref"])
    if "schema" not in ((response.get("content") or {}).get("application/json") or {}):
        return None
    return f"{BUNDLE_URI}{where}/" + pointer("content", "application/json", "schema")


def resolve_local(document: dict, ref: str) -> Any:
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@cache
def validator_for(ref: str):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    import nexx_patterns

    document = bundle()
    registry = Registry().with_resource(BUNDLE_URI, Resource.from_contents(document, DRAFT202012))
    # Patterns (and format: regex) as the contract means them, ECMA-262.
    return nexx_patterns.validator(
        {"$ref": ref}, formats=Draft202012Validator.FORMAT_CHECKER, registry=registry
    )


def violations(method: str, template: str, status: int, body: Any) -> list[Violation]:
    """Every constraint of the documented response schema the body breaks; [] when none (or
    when the status documents no JSON body, which other checks report)."""
    ref = response_schema(method, template, status)
    if ref is None:
        return []
    return list(flatten(validator_for(ref).iter_errors(body)))


def flatten(errors: Iterable[Any]) -> Iterator[Violation]:
    for error in errors:
        if error.validator in BRANCHING and error.context:
            yield from branch_violations(error)
        else:
            yield Violation(json_path(error), str(error.validator), error.message, reason_of(error))


def branch_violations(error: Any) -> Iterator[Violation]:
    """An anyOf/oneOf nothing matched: if some branch fails only by guessed rules, those are
    the violations (the body is that branch but for our guesses); else the choice failed."""
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    for subs in branches.values():
        found = list(flatten(subs))
        if found and all(v.guessed for v in found):
            yield from found
            return
    yield Violation(
        json_path(error), str(error.validator), error.message.splitlines()[0][:300], None
    )


def reason_of(error: Any) -> str | None:
    return guessed_reason(error.schema, str(error.validator))


def json_path(error: Any) -> str:
    return "$" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    )


def only_guessed(found: list[Violation]) -> bool:
    return bool(found) and all(v.guessed for v in found)


@dataclass(frozen=True)
class GuessedWarning:
    """A response that broke only guessed rules, on a target where that is a warning."""

    test: str
    operation: str
    status: int
    rules: tuple[tuple[str, str], ...]  # (rule, reason)

    def line(self) -> str:
        rules = "; ".join(f"{rule} (guessed: {reason})" for rule, reason in self.rules)
        return f"{self.operation} {self.status}: {rules} [{self.test}]"


class GuessedWarnings:
    """The warnings of one process; merged across xdist workers like the coverage."""

    def __init__(self) -> None:
        self.items: list[GuessedWarning] = []

    def add(self, test: str, operation: str, status: int, found: list[Violation]) -> GuessedWarning:
        warning = GuessedWarning(
            test, operation, status, tuple(sorted({(v.rule, v.guessed or "") for v in found}))
        )
        self.items.append(warning)
        return warning

    def as_data(self) -> list[dict[str, Any]]:
        return [asdict(item) for item in self.items]

    def merge(self, data: list[dict[str, Any]]) -> None:
        for item in data:
            self.items.append(
                GuessedWarning(
                    item["test"],
                    item["operation"],
                    item["status"],
                    tuple(tuple(rule) for rule in item["rules"]),
                )
            )

    def write(self, path: Path) -> None:
        path.write_text(json.dumps({"warnings": self.as_data()}, indent=2) + "\n", encoding="utf-8")


def request_violations(
    method: str, template: str, path: dict | None, query: dict | None, body: Any
) -> list[Violation]:
    """Every constraint of the documented request the sent values break (path and query
    parameters, the form body), as for a response."""
    document = bundle()
    where = "#/" + pointer("paths", template, method.lower())
    operation = resolve_local(document, where)
    found: list[Violation] = []
    sent = {"path": path or {}, "query": query or {}}
    for index, parameter in enumerate(operation.get("parameters") or []):
        ref = f"{where}/parameters/{index}"
        if "$ref" in parameter:
            ref, parameter = parameter["$ref"], resolve_local(document, parameter["$ref"])
        values = sent.get(parameter.get("in"), {})
        if parameter.get("name") in values and "schema" in parameter:
            found += [
                Violation(
                    f"{parameter['in']} parameter {parameter['name']}",
                    v.keyword,
                    v.message,
                    v.guessed,
                )
                for v in flatten(
                    validator_for(f"{BUNDLE_URI}{ref}/schema").iter_errors(
                        values[parameter["name"]]
                    )
                )
            ]
    form = ((operation.get("requestBody") or {}).get("content") or {}).get(FORM)
    if isinstance(body, dict) and form and "schema" in form:
        schema = f"{BUNDLE_URI}{where}/" + pointer("requestBody", "content", FORM, "schema")
        found += [
            Violation(f"body{v.at[1:]}", v.keyword, v.message, v.guessed)
            for v in flatten(validator_for(schema).iter_errors(body))
        ]
    return found


def failures_of(failure: BaseException) -> tuple[BaseException, ...]:
    from schemathesis.core.failures import FailureGroup

    return failure.exceptions if isinstance(failure, FailureGroup) else (failure,)


def guessed_part(
    failure: BaseException, method: str, template: str, status: int, body: Any, case: Any
) -> list[Violation] | None:
    """The violations that explain `failure` when they are all guessed, else None.

    - "Response violates schema": the body breaks only guessed constraints;
    - "Schema-violating request accepted": the case broke only guessed constraints, so the
      server accepting it contradicts nothing the page states.
    """
    from schemathesis.core.failures import AcceptedNegativeData
    from schemathesis.openapi.checks import JsonSchemaError

    if isinstance(failure, JsonSchemaError):
        found = violations(method, template, status, body)
    elif isinstance(failure, AcceptedNegativeData) and case is not None:
        found = request_violations(method, template, case.path_parameters, case.query, case.body)
    else:
        return None
    return found if only_guessed(found) else None


def tolerate(
    failure: BaseException,
    *,
    method: str,
    template: str,
    status: int,
    body: Any,
    mode: str,
    warnings: GuessedWarnings,
    test: str,
    operation: str,
    node: Any = None,
    case: Any = None,
) -> bool:
    """True when every failure of `failure` is explained by guessed constraints alone (a
    response breaking them, or a request breaking only them being accepted) and `mode` is warn:
    the warning is then recorded in `warnings` (the run summary: terminal, reports/guessed-rules.json)
    and the test's JUnit properties instead of the failure. Anything else, or any doubt, stays a failure."""
    if mode != WARN:
        return False
    found: list[Violation] = []
    for item in failures_of(failure):
        part = guessed_part(item, method, template, status, body, case)
        if part is None:
            return False
        found += part
    warning = warnings.add(test, operation, status, found)
    if node is not None:
        node.user_properties.append(("nexx-guessed-rule-warning", warning.line()))
    return True
