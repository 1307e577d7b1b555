"""Every property a schema requires is one it defines, counting the branches it is combined with.

Redocly's `no-required-schema-properties-undefined` reads `required` against the `properties`
of the same schema object only, and flags the contract's refinements (a branch of `allOf` or
`then` that requires what the sibling branch defines) - it is off in redocly.yaml. This test
is the same check done the JSON Schema way: `required` names must be defined somewhere in
the object's combined schema (its `$ref`, `allOf`, `anyOf`, `oneOf`, `if`/`then`/`else`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from contract_document import (
    MAX_REF_HOPS,
    Operation,
    operations_or_fail,
    path_items,
    request_body_of,
    resolve,
)

BRANCHES = ("allOf", "anyOf", "oneOf", "if", "then", "else")


def combined(schema: Any, file: Path, depth: int = 0) -> tuple[dict[str, list], set[str]]:
    """The properties (name -> [(schema, file)]) and required names of a schema and its branches."""
    schema, file = resolve(schema, file)
    properties: dict[str, list] = {}
    required: set[str] = set()
    if not isinstance(schema, dict) or depth > MAX_REF_HOPS:
        return properties, required
    for name, member in (schema.get("properties") or {}).items():
        properties.setdefault(name, []).append((member, file))
    required.update(schema.get("required") or [])
    for keyword in BRANCHES:
        members = schema.get(keyword, [])
        for member in members if isinstance(members, list) else [members]:
            more, needed = combined(member, file, depth + 1)
            for name, schemas in more.items():
                properties.setdefault(name, []).extend(schemas)
            required |= needed
    return properties, required


def undefined_required(schemas: list[tuple[Any, Path]], where: str, depth: int = 0) -> list[str]:
    properties: dict[str, list] = {}
    required: set[str] = set()
    items: list[tuple[Any, Path]] = []
    for schema, file in schemas:
        more, needed = combined(schema, file)
        for name, found in more.items():
            properties.setdefault(name, []).extend(found)
        required |= needed
        resolved, at = resolve(schema, file)
        if isinstance(resolved, dict) and isinstance(resolved.get("items"), dict):
            items.append((resolved["items"], at))
    problems = [
        f"{where}: requires '{name}' but defines no such property"
        for name in sorted(required - set(properties))
    ]
    if depth < MAX_REF_HOPS:
        for name, found in properties.items():
            problems += undefined_required(found, f"{where}.{name}", depth + 1)
        if items:
            problems += undefined_required(items, f"{where}[]", depth + 1)
    return problems


def operation_problems(operation: Operation) -> list[str]:
    problems = []
    body = request_body_of(operation)
    if body is not None:
        node, file = body
        for media_type, media in (node.get("content") or {}).items():
            if "schema" in media:
                problems += undefined_required(
                    [(media["schema"], file)], f"{operation.title} requestBody {media_type}"
                )
    for status, response in (operation.node.get("responses") or {}).items():
        response, file = resolve(response, operation.file)
        for media_type, media in (response.get("content") or {}).items():
            if "schema" in media:
                problems += undefined_required(
                    [(media["schema"], file)], f"{operation.title} response {status} {media_type}"
                )
    return problems


@pytest.mark.parametrize("item", path_items(), ids=lambda item: item.id)
def test_every_required_property_is_defined(item):
    problems = [
        problem
        for operation in operations_or_fail(item)
        for problem in operation_problems(operation)
    ]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_check_names_a_required_property_no_branch_defines():
    schema = {
        "allOf": [
            {"properties": {"result": {"properties": {"a": {}}}}},
            {"properties": {"result": {"required": ["a", "b"]}}},
        ]
    }
    problems = undefined_required([(schema, Path(__file__))], "example")
    assert problems == ["example.result: requires 'b' but defines no such property"]
