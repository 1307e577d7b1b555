"""The contract as plain data: its YAML read the way schemathesis reads it, `$ref`s followed
across files, operations listed per path item.

Loading never raises for a missing or broken path file: the path item carries the error
instead, so every test can name what is missing rather than fail at collection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

# The same loader schemathesis uses: dates stay strings and `200:` stays the key "200",
# so examples are checked as the suite will see them.
from schemathesis.core.deserialization import deserialize_yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = REPO_ROOT / "contracts"
CONTRACT_PATH = CONTRACTS_DIR / "nexx-user.openapi.yaml"
# The single-file form, built by scripts/bundle-contract (test_bundle.py keeps it current).
BUNDLE_PATH = CONTRACTS_DIR / "bundled" / "nexx-user.openapi.yaml"
SEED_DIR = CONTRACTS_DIR / "seed"
INVENTORY_PATH = SEED_DIR / "user-endpoint.inventory.json"

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
SESSION_KINDS = ("none", "anonymous", "user", "pending-login", "eternal")
MAX_REF_HOPS = 32


class UnresolvedReference(Exception):
    """A `$ref` that points at a missing file or a missing place in a file."""


@cache
def load_document(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else deserialize_yaml(text)


def relative(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def _follow_pointer(document: Any, pointer: str, where: str) -> Any:
    node = document
    for raw in [part for part in pointer.split("/") if part]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            raise UnresolvedReference(f"{where}: no '{key}' at '#{pointer}'")
    return node


def resolve(node: Any, file: Path) -> tuple[Any, Path]:
    """Follow a chain of `$ref`s; returns the target and the file it lives in."""
    for _ in range(MAX_REF_HOPS):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node, file
        ref = node["$ref"]
        target, _, pointer = ref.partition("#")
        target_file = (file.parent / target).resolve() if target else file
        where = f"$ref '{ref}' in {relative(file)}"
        if not target_file.is_file():
            raise UnresolvedReference(f"{where}: file {relative(target_file)} does not exist")
        try:
            document = load_document(target_file)
        except (ValueError, yaml.YAMLError) as error:
            raise UnresolvedReference(
                f"{where}: {relative(target_file)} does not parse: {error}"
            ) from None
        node, file = _follow_pointer(document, pointer, where), target_file
    raise UnresolvedReference(f"more than {MAX_REF_HOPS} chained $refs from {relative(file)}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    node: dict
    file: Path
    path_item: dict = field(repr=False)

    @property
    def operation_id(self) -> str | None:
        return self.node.get("operationId")

    @property
    def seed_name(self) -> str | None:
        return self.node.get("x-seed-operation")

    @property
    def title(self) -> str:
        return f"{self.method.upper()} {self.path} ({self.operation_id or 'no operationId'})"


@dataclass(frozen=True)
class PathItem:
    path: str
    operations: tuple[Operation, ...] = ()
    error: str | None = None

    @property
    def id(self) -> str:
        """A readable test id: `/{domainid}/user/register` -> `user-register`."""
        segments = [s for s in self.path.split("/") if s and s != "{domainid}"]
        return "-".join(s.strip("{}") for s in segments)


def _load_path_item(path: str, node: Any) -> PathItem:
    try:
        item, file = resolve(node, CONTRACT_PATH)
    except UnresolvedReference as error:
        return PathItem(path, error=str(error))
    if not isinstance(item, dict):
        return PathItem(path, error=f"path item {path} is not a mapping")
    operations = tuple(
        Operation(method, path, item[method], file, item)
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    )
    if not operations:
        return PathItem(path, error=f"path item {path} ({relative(file)}) has no operation")
    return PathItem(path, operations)


@lru_cache(maxsize=1)
def path_items() -> tuple[PathItem, ...]:
    paths = load_document(CONTRACT_PATH).get("paths") or {}
    return tuple(_load_path_item(path, node) for path, node in paths.items())


def operations() -> list[Operation]:
    return [operation for item in path_items() for operation in item.operations]


def unresolved_path_items() -> list[str]:
    return [item.error for item in path_items() if item.error]


def parameters_of(operation: Operation) -> list[tuple[dict, Path]]:
    """Path-item and operation parameters, each resolved to its object."""
    declared = [(p, operation.file) for p in operation.path_item.get("parameters", [])]
    declared += [(p, operation.file) for p in operation.node.get("parameters", [])]
    return [resolve(parameter, file) for parameter, file in declared]


def request_body_of(operation: Operation) -> tuple[dict, Path] | None:
    if "requestBody" not in operation.node:
        return None
    return resolve(operation.node["requestBody"], operation.file)


def schema_properties(schema: Any, file: Path, depth: int = 0) -> dict[str, tuple[dict, Path]]:
    """Every property a schema names, through `$ref` and `allOf`/`anyOf`/`oneOf`."""
    schema, file = resolve(schema, file)
    if not isinstance(schema, dict) or depth > MAX_REF_HOPS:
        return {}
    found: dict[str, tuple[dict, Path]] = {}
    for keyword in ("allOf", "anyOf", "oneOf"):
        for member in schema.get(keyword, []):
            found.update(schema_properties(member, file, depth + 1))
    for name, written in (schema.get("properties") or {}).items():
        resolved, resolved_file = resolve(written, file)
        # Annotations beside a $ref (x-seed-parameter, x-seed-erratum) belong to the property.
        siblings = (
            {k: v for k, v in written.items() if k != "$ref"} if isinstance(written, dict) else {}
        )
        merged = {**resolved, **siblings} if isinstance(resolved, dict) else resolved
        found[name] = (merged, resolved_file)
    return found


def request_body_properties(operation: Operation) -> dict[str, tuple[dict, Path]]:
    body = request_body_of(operation)
    if body is None:
        return {}
    node, file = body
    found: dict[str, tuple[dict, Path]] = {}
    for media in (node.get("content") or {}).values():
        if isinstance(media, dict) and "schema" in media:
            found.update(schema_properties(media["schema"], file))
    return found


def seed_inventory() -> list[dict]:
    return load_document(INVENTORY_PATH)


def operations_or_fail(item: PathItem) -> tuple[Operation, ...]:
    """The path item's operations; fails the calling test, naming the cause, if it has none."""
    import pytest

    if item.error:
        pytest.fail(f"cannot check {item.path}: {item.error}", pytrace=False)
    return item.operations


def broken_refs() -> list[str]:
    """Every `$ref` in the files reachable from the root that does not resolve."""
    broken, seen, queue = [], set(), [CONTRACT_PATH]
    while queue:
        file = queue.pop()
        if file in seen:
            continue
        seen.add(file)
        for ref in _refs_in(load_document(file)):
            try:
                _, target_file = resolve({"$ref": ref}, file)
            except UnresolvedReference as error:
                broken.append(str(error))
            else:
                queue.append(target_file)
    return sorted(set(broken))


def _refs_in(node: Any):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for key, value in node.items():
            # Examples are data: a `$ref` key inside one is not a reference.
            if key not in ("example", "examples") or not isinstance(value, (dict, list)):
                yield from _refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs_in(value)


def expect(condition: object, message: str) -> None:
    """Fails the calling test with `message` alone: the message names the defect, a traceback would not."""
    import pytest

    if not condition:
        pytest.fail(message, pytrace=False)
