"""Which contract patterns constrain which request values, and whether schemathesis'
generator reads a case's values against them as the contract does.

schemathesis draws a string for a `pattern` with Python's `re` and keeps it when its
validator's engine (jsonschema_rs) says it matches; a negative value, when that engine says
it does not. The contract means ECMA-262 (nexx_patterns), and the two disagree on a few
characters: `.` and U+000D, U+2028, U+2029 (a generated password `a\\r1x...` is "valid" to
schemathesis, not to the contract), `\\b` next to a non-ASCII letter. A case carrying such a
value would claim a verdict the contract does not give, so the case filter
(schemathesis_auth.keeps_its_meaning) drops it: what is sent means what schemathesis thinks.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import nexx_patterns
from nexx_conformance.contract import Document, contract
from nexx_conformance.patches import generator_pattern_check

# Keywords whose values are instances or marks, not schemas: a string there is no pattern.
NOT_SCHEMAS = ("enum", "const", "examples", "example", "default")
# Where a schema composes the properties of a body.
COMPOSING = ("allOf", "anyOf", "oneOf", "if", "then", "else", "not")

Table = dict[tuple[str, str], tuple[str, ...]]


def patterns_under(node: Any, document: Document, seen: frozenset[int] = frozenset()) -> set[str]:
    """Every `pattern` in the schema and the schemas it refers to."""
    node = document.resolve(node)
    if id(node) in seen:
        return set()
    seen = seen | {id(node)}
    if isinstance(node, list):
        return {p for item in node for p in patterns_under(item, document, seen)}
    if not isinstance(node, dict):
        return set()
    found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
    for key, value in node.items():
        if not key.startswith("x-") and key not in NOT_SCHEMAS:
            found |= patterns_under(value, document, seen)
    return found


def properties_under(node: Any, document: Document, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(name, schema) of every property the schema names, through its compositions."""
    node = document.resolve(node)
    if not isinstance(node, dict) or depth > 8:
        return
    yield from (node.get("properties") or {}).items()
    for key in COMPOSING:
        for branch in node.get(key) if isinstance(node.get(key), list) else [node.get(key)]:
            yield from properties_under(branch, document, depth + 1)


@cache
def patterns_of(method: str, template: str) -> Table:
    """(location, name) -> the patterns that value is held to, for one operation."""
    document = contract()
    path_item = document.path_item(template)
    operation = path_item.get(method.lower()) or {}
    table: dict[tuple[str, str], set[str]] = {}
    for parameter in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
        parameter = document.resolve(parameter)
        found = patterns_under(parameter.get("schema"), document)
        if found:
            table.setdefault((parameter["in"], parameter["name"]), set()).update(found)
    body = document.resolve(operation.get("requestBody") or {})
    for media in (body.get("content") or {}).values():
        for name, schema in properties_under(media.get("schema"), document):
            found = patterns_under(schema, document)
            if found:
                table.setdefault(("body", name), set()).update(found)
    return {key: tuple(sorted(patterns)) for key, patterns in table.items()}


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item)


def reads_alike(pattern: str, text: str) -> bool:
    """True when schemathesis' generator and the contract agree whether text matches (also
    when schemathesis' check is not to be found: patches.generator_pattern_check)."""
    check = generator_pattern_check(pattern)
    return check is None or check(text) == nexx_patterns.search(pattern, text)


def read_alike(case) -> bool:
    """False when a value of the case is one the generator reads otherwise than the
    contract (ECMA-262) against a pattern it is held to."""
    table = patterns_of(case.method, case.operation.path)
    if not table:
        return True
    sent = {
        "path": case.path_parameters,
        "query": case.query,
        "header": case.headers,
        "cookie": case.cookies,
        "body": case.body,
    }
    for (location, name), patterns in table.items():
        values = sent.get(location)
        if not isinstance(values, dict) or name not in values:
            continue
        for text in strings_in(values[name]):
            if not all(reads_alike(pattern, text) for pattern in patterns):
                return False
    return True
