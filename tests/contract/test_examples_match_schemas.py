"""Every example in the contract (request bodies, parameters, responses) fits its schema.

The suite sends the request examples as its first cases and the docs show the response
examples: an example that its own schema rejects is a defect of the contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contract_document import (
    Operation,
    UnresolvedReference,
    operations_or_fail,
    parameters_of,
    path_items,
    request_body_of,
    resolve,
)
from jsonschema import Draft202012Validator

import nexx_patterns

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


def inline_refs(schema: Any, file: Path, chain: tuple = ()) -> Any:
    """The schema with every `$ref` replaced by its target, so it validates on its own."""
    if isinstance(schema, list):
        return [inline_refs(member, file, chain) for member in schema]
    if not isinstance(schema, dict):
        return schema
    if not isinstance(schema.get("$ref"), str):
        return {key: inline_refs(value, file, chain) for key, value in schema.items()}
    ref = schema["$ref"]
    target, _, pointer = ref.partition("#")
    identity = ((file.parent / target).resolve() if target else file, pointer)
    if identity in chain:
        raise UnresolvedReference(
            f"$ref '{ref}' in {file.name} is recursive; examples cannot be checked"
        )
    resolved = inline_refs(*resolve({"$ref": ref}, file), chain + (identity,))
    siblings = {
        key: inline_refs(value, file, chain) for key, value in schema.items() if key != "$ref"
    }
    # In JSON Schema 2020-12 a $ref applies alongside its sibling keywords.
    return {"allOf": [resolved], **siblings} if siblings else resolved


def examples_of(holder: dict, file: Path) -> Iterator[tuple[str, Any]]:
    """(name, value) of the `example` and each `examples` entry of a media type or parameter."""
    if "example" in holder:
        yield "example", holder["example"]
    for name, example in (holder.get("examples") or {}).items():
        example, _ = resolve(example, file)
        if isinstance(example, dict) and "value" in example:
            yield f"examples.{name}", example["value"]


def example_cases(operation: Operation) -> Iterator[tuple[str, dict, Any, Path]]:
    """(where, schema, example, file) for every example of an operation."""
    for parameter, file in parameters_of(operation):
        if "schema" in parameter:
            for name, value in examples_of(parameter, file):
                yield f"parameter {parameter.get('name')} {name}", parameter["schema"], value, file
    body = request_body_of(operation)
    if body is not None:
        node, file = body
        for media_type, media in (node.get("content") or {}).items():
            for name, value in examples_of(media, file) if "schema" in media else ():
                yield f"requestBody {media_type} {name}", media["schema"], value, file
    for status, response in (operation.node.get("responses") or {}).items():
        response, file = resolve(response, operation.file)
        for media_type, media in (response.get("content") or {}).items():
            for name, value in examples_of(media, file) if "schema" in media else ():
                yield f"response {status} {media_type} {name}", media["schema"], value, file


def example_problems(operation: Operation) -> list[str]:
    problems = []
    try:
        for where, schema, example, file in example_cases(operation):
            # Patterns read as the contract means them, ECMA-262 (not Python's re).
            validator = nexx_patterns.validator(inline_refs(schema, file), formats=FORMAT_CHECKER)
            for error in validator.iter_errors(example):
                at = "/".join(str(part) for part in error.absolute_path) or "(whole example)"
                problems.append(f"{operation.title} {where} at {at}: {error.message}")
    except UnresolvedReference as error:
        problems.append(f"{operation.title}: {error}")
    return problems


@pytest.mark.parametrize("item", path_items(), ids=lambda item: item.id)
def test_examples_fit_their_schemas(item):
    problems = [
        problem for operation in operations_or_fail(item) for problem in example_problems(operation)
    ]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_examples_check_names_each_lying_example():
    fixture = Path(__file__).parent / "fixtures" / "lying-examples.yaml"
    item, _ = resolve({"$ref": fixture.name}, fixture)
    operation = Operation("post", "/{domainid}/user/updatedata", item["post"], fixture, item)
    problems = "\n".join(example_problems(operation))
    assert "parameter limit example" in problems, problems
    assert "requestBody application/x-www-form-urlencoded example at birthday" in problems, problems
    assert "response 200 application/json examples.leaky" in problems, problems
