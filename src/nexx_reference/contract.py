"""The hand-written contract, loaded once: the server's single source of truth.

Routing, parameter types, input rules and the session each operation needs are all
read from the contract's multi-file source (contracts/nexx-user.openapi.yaml in a checkout,
the wheel's copy when installed: nexx_contract), so the server cannot drift from it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

import nexx_contract
import nexx_patterns

log = logging.getLogger(__name__)

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
SESSION_KINDS = ("none", "anonymous", "user", "pending-login", "eternal")
# libyaml's parser where PyYAML has it: the same documents, a third of the time, and every
# server start (each test's, each run's) reads the whole contract.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContractError(Exception):
    """The contract cannot be read or breaks an assumption the server relies on."""


class MissingContractFile(ContractError):
    """A path file the root refers to does not exist (yet)."""


def default_contract_path() -> Path:
    # NEXX_CONTRACT (environment) > the package's own contract (nexx_contract: the checkout's
    # contracts/, or the wheel's copy).
    override = os.environ.get("NEXX_CONTRACT")
    if override:
        return Path(override)
    return nexx_contract.source()


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path | query | header
    required: bool
    schema: dict[str, Any]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # template below the API version, e.g. /{domainid}/user/authorize/{token}
    session: str
    eternal_parameters: tuple[str, ...] = ()
    destructive: bool = False
    parameters: tuple[Parameter, ...] = ()
    body_schema: dict[str, Any] | None = None
    body_required: bool = False
    signed: bool = True  # False only where the operation's `security` is empty
    throttle: dict[str, Any] | None = None  # x-nexx-throttle: attempts, window, counted
    responses: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def signing_name(self) -> str:
        # The OPERATION of md5(OPERATION + DOMAINID + SECRET): the segment after the context.
        return self.path.split("/")[3]


class _Resolver:
    """Inlines relative `$ref`s (`file.yaml#/a/b`, `#/a`) across the contract's files."""

    def __init__(self) -> None:
        self._files: dict[Path, Any] = {}

    def load(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self._files:
            if not path.is_file():
                raise MissingContractFile(f"contract file {path} does not exist")
            try:
                self._files[path] = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
            except (OSError, yaml.YAMLError) as exc:
                raise ContractError(f"cannot read contract file {path}: {exc}") from exc
        return self._files[path]

    def resolve(self, node: Any, base: Path, seen: tuple[str, ...] = ()) -> Any:
        if isinstance(node, list):
            return [self.resolve(item, base, seen) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node and isinstance(node["$ref"], str):
            target, target_base, key = self._follow(node["$ref"], base)
            if key in seen:
                raise ContractError(f"circular $ref {node['$ref']} in {base}")
            resolved = self.resolve(target, target_base, (*seen, key))
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            if siblings and isinstance(resolved, dict):
                return {**resolved, **self.resolve(siblings, base, seen)}
            return resolved
        return {key: self.resolve(value, base, seen) for key, value in node.items()}

    def _follow(self, ref: str, base: Path) -> tuple[Any, Path, str]:
        file_part, _, pointer = ref.partition("#")
        target_file = (base.parent / file_part).resolve() if file_part else base.resolve()
        node = self.load(target_file)
        for token in [t for t in pointer.split("/") if t]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise ContractError(f"unresolvable $ref {ref!r} (from {base.name})")
        return node, target_file, f"{target_file}#{pointer}"


def load_operations(path: Path | None = None) -> tuple[Operation, ...]:
    """Every operation of the contract, with all `$ref`s inlined; read once per file and
    process (a test run starts a server per test module or run, each reading the same
    contract: half a second each, benchmarks/README.md). Nobody changes an operation."""
    return _operations_in((path or default_contract_path()).resolve())


@cache
def _operations_in(root_path: Path) -> tuple[Operation, ...]:
    resolver = _Resolver()
    root = resolver.load(root_path)
    if not isinstance(root, dict) or not isinstance(root.get("paths"), dict):
        raise ContractError(f"{root_path} is not an OpenAPI document with paths")
    operations = []
    missing: dict[str, int] = {}
    for template, raw_item in root["paths"].items():
        try:
            item = resolver.resolve(raw_item, root_path)
        except MissingContractFile as exc:
            # A path file not written yet: that area is simply absent, not a broken server.
            missing[str(exc)] = missing.get(str(exc), 0) + 1
            continue
        operations.extend(_operations_of(template, item))
    for reason, count in missing.items():
        log.warning("%d path(s) skipped: %s", count, reason)
    for operation in operations:
        _check_patterns(operation)
    return tuple(operations)


def _check_patterns(operation: Operation) -> None:
    """A `pattern` the server cannot read as ECMA-262 stops it at start, not at the first
    request that reaches it (the contract's own tests refuse such a pattern first)."""
    schemas = [p.schema for p in operation.parameters] + [operation.body_schema]
    for pattern in _patterns_in(schemas):
        try:
            nexx_patterns.compiled(pattern)
        except nexx_patterns.PatternError as error:
            raise ContractError(f"{operation.operation_id}: {error}") from None


def _patterns_in(node: Any) -> list[str]:
    """Every `pattern` and `patternProperties` name in the schemas, not in marks or data."""
    if isinstance(node, list):
        return [pattern for item in node for pattern in _patterns_in(item)]
    if not isinstance(node, dict):
        return []
    found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
    if isinstance(node.get("patternProperties"), dict):
        found += list(node["patternProperties"])
    for key, value in node.items():
        if not key.startswith("x-") and key not in DATA_KEYWORDS:
            found += _patterns_in(value)
    return found


# Keywords whose values are instances, not schemas: a string there is never a pattern.
DATA_KEYWORDS = ("enum", "const", "examples", "example", "default")


def _operations_of(template: str, item: dict[str, Any]) -> list[Operation]:
    shared = item.get("parameters", [])
    found = []
    for method in HTTP_METHODS:
        spec = item.get(method)
        if not isinstance(spec, dict):
            continue
        operation_id = spec.get("operationId")
        session = spec.get("x-nexx-session", "anonymous")
        if not operation_id or session not in SESSION_KINDS:
            raise ContractError(
                f"{method.upper()} {template}: needs an operationId and a valid x-nexx-session"
            )
        by_key = {(p["name"], p["in"]): p for p in [*shared, *spec.get("parameters", [])]}
        parameters = tuple(
            Parameter(
                p["name"], p["in"], bool(p.get("required", p["in"] == "path")), p.get("schema", {})
            )
            for p in by_key.values()
        )
        body = spec.get("requestBody") or {}
        body_schema = (body.get("content") or {}).get(FORM_MEDIA_TYPE, {}).get("schema")
        found.append(
            Operation(
                operation_id=operation_id,
                method=method.upper(),
                path=template,
                session=session,
                eternal_parameters=tuple(spec.get("x-nexx-eternal-parameters", ())),
                destructive=bool(spec.get("x-nexx-destructive", False)),
                parameters=parameters,
                body_schema=body_schema,
                body_required=bool(body.get("required", False)),
                signed=spec.get("security") != [],
                throttle=spec.get("x-nexx-throttle"),
                responses=spec.get("responses", {}),
            )
        )
    return found
