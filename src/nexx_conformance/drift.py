"""Drift: everything a target answered beyond the contract, per operation.

Every answer of the target (schemathesis' requests and our client's alike) is compared with
what the contract documents for its operation and status:
  - fields the documented schema does not name, by JSON path (`$.result.user.loyalty`,
    `$.result[].extra`), with the JSON types seen;
  - statuses the operation does not document;
  - content types the documented response does not have.
Nothing is judged here: the checks fail what breaks the contract; this lists what a QA
engineer would add to it. Only names, types and counts are kept, never values.
The schemas and their `$ref`s are the contract's (nexx_conformance.contract).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nexx_patterns
from nexx_conformance.contract import MAX_DEPTH, Document, Operation, contract, operation_at
from nexx_conformance.patches import SendPatch
from nexx_conformance.shapes import json_type

BRANCHES = ("allOf", "anyOf", "oneOf", "then", "else")


class Schemas:
    """Schema nodes of the contract, `$ref`s followed (by the contract), combinators flattened."""

    def __init__(self, document: Document) -> None:
        self.document = document

    def expand(self, schemas: list[Any], depth: int = 0) -> list[dict]:
        """Each schema and every branch it is combined with, as plain nodes."""
        nodes = []
        for schema in schemas:
            schema = self.document.resolve_schema(schema)
            if not isinstance(schema, dict) or depth > MAX_DEPTH:
                continue
            nodes.append(schema)
            for keyword in BRANCHES:
                members = schema.get(keyword, [])
                nodes += self.expand(members if isinstance(members, list) else [members], depth + 1)
        return nodes

    def undocumented(
        self, value: Any, schemas: list[Any], at: str = "$", depth: int = 0
    ) -> Iterator[tuple[str, str]]:
        """(JSON path, JSON type) of every field of `value` no schema names."""
        nodes = self.expand(schemas)
        if not nodes or depth > MAX_DEPTH:
            return
        if isinstance(value, dict):
            named = [node for node in nodes if "properties" in node or "patternProperties" in node]
            free = [
                node.get("additionalProperties")
                for node in nodes
                if isinstance(node.get("additionalProperties"), dict)
            ]
            for key, member in value.items():
                children = [
                    node["properties"][key] for node in named if key in node.get("properties", {})
                ]
                children += [
                    schema
                    for node in named
                    for pattern, schema in (node.get("patternProperties") or {}).items()
                    if nexx_patterns.search(pattern, key)
                ]
                if children:
                    yield from self.undocumented(member, children, f"{at}.{key}", depth + 1)
                elif free:
                    yield from self.undocumented(member, free, f"{at}.{key}", depth + 1)
                elif named:
                    yield f"{at}.{key}", json_type(member)
                # A node that names no property at all documents a free-form object.
        elif isinstance(value, list):
            items = [node["items"] for node in nodes if isinstance(node.get("items"), (dict, bool))]
            for member in value:
                yield from self.undocumented(
                    member, [i for i in items if isinstance(i, dict)], f"{at}[]", depth + 1
                )


class DriftLog:
    """What one process saw beyond the contract; merged across xdist workers."""

    def __init__(
        self,
        document: Document | None = None,
        target_base_url: Callable[[], str | None] = lambda: None,
    ) -> None:
        # The run's contract unless given; read on first use: a run that never reaches the
        # target never loads it.
        self.document = document
        self.target_base_url = target_base_url
        self.fields: dict[str, dict[str, Counter]] = {}
        self.statuses: dict[str, Counter] = {}
        self.content_types: dict[str, Counter] = {}
        # The same by status ("200 text/html"): which documented response lacks the type.
        self.content_type_statuses: dict[str, Counter] = {}
        self.answers: Counter = Counter()
        self.unreadable = 0

    def contract(self) -> Document:
        if self.document is None:
            self.document = contract()
        return self.document

    def operations(self) -> tuple[Operation, ...]:
        return self.contract().operations

    def record(
        self, method: str, url: str, status: int, content_type: str, body: bytes | None
    ) -> None:
        base_url = self.target_base_url()
        if not base_url or not url.startswith(base_url.rstrip("/") + "/"):
            return
        operation = operation_at(self.operations(), method, urlsplit(url).path)
        if operation is None:
            return
        key = operation.key
        self.answers[key] += 1
        response = operation.responses.get(str(status)) or operation.responses.get("default")
        if response is None:
            self.statuses.setdefault(key, Counter())[str(status)] += 1
            return
        response = self.contract().resolve_object(response)
        media_type = content_type.split(";")[0].strip().lower()
        content = response.get("content") or {}
        if media_type and media_type not in content:
            self.content_types.setdefault(key, Counter())[media_type] += 1
            self.content_type_statuses.setdefault(key, Counter())[f"{status} {media_type}"] += 1
            return
        schema = (content.get(media_type) or {}).get("schema")
        if schema is None or not body:
            return
        try:
            value = json.loads(body)
        except ValueError:
            return
        for path, kind in Schemas(self.contract()).undocumented(value, [schema]):
            self.fields.setdefault(key, {}).setdefault(path, Counter())[kind] += 1

    def as_data(self) -> dict[str, Any]:
        return {
            "fields": {k: {p: dict(c) for p, c in v.items()} for k, v in self.fields.items()},
            "statuses": {k: dict(v) for k, v in self.statuses.items()},
            "content_types": {k: dict(v) for k, v in self.content_types.items()},
            "content_type_statuses": {k: dict(v) for k, v in self.content_type_statuses.items()},
            "answers": dict(self.answers),
            "unreadable": self.unreadable,
        }

    def merge(self, data: dict[str, Any]) -> None:
        for key, paths in data.get("fields", {}).items():
            for path, kinds in paths.items():
                self.fields.setdefault(key, {}).setdefault(path, Counter()).update(kinds)
        for name in ("statuses", "content_types", "content_type_statuses"):
            for key, counts in data.get(name, {}).items():
                getattr(self, name).setdefault(key, Counter()).update(counts)
        self.answers.update(data.get("answers", {}))
        self.unreadable += data.get("unreadable", 0)

    def summary(self) -> dict[str, Any]:
        operations = []
        for operation in self.operations():
            key = operation.key
            fields, statuses, types = (
                self.fields.get(key, {}),
                self.statuses.get(key),
                self.content_types.get(key),
            )
            if not (fields or statuses or types):
                continue
            operations.append(
                {
                    "operationId": operation.operation_id,
                    "method": operation.method,
                    "path": operation.path,
                    "answers": self.answers.get(key, 0),
                    "undocumented_fields": [
                        {"path": path, "types": sorted(kinds), "seen": sum(kinds.values())}
                        for path, kinds in sorted(fields.items())
                    ],
                    "undocumented_statuses": dict(sorted((statuses or {}).items())),
                    "undocumented_content_types": dict(sorted((types or {}).items())),
                    "undocumented_content_types_by_status": dict(
                        sorted(self.content_type_statuses.get(key, {}).items())
                    ),
                }
            )
        return {
            "operations": operations,
            "totals": {
                "answers": sum(self.answers.values()),
                "answers_not_analysed": self.unreadable,
                "operations_with_drift": len(operations),
                "undocumented_fields": sum(len(op["undocumented_fields"]) for op in operations),
                "undocumented_statuses": sum(len(op["undocumented_statuses"]) for op in operations),
                "undocumented_content_types": sum(
                    len(op["undocumented_content_types"]) for op in operations
                ),
            },
        }

    def write(self, path: Path) -> dict[str, Any]:
        summary = self.summary()
        path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        return summary


class AnswerRecorder(SendPatch):
    """Hands each answer schemathesis (requests) and the suite's client (httpx) receive
    to a DriftLog while installed."""

    def __init__(self, log: DriftLog) -> None:
        super().__init__(
            on_requests=lambda request, response: _seen(
                log, request.method, request.url, response, lambda r: r.content
            ),
            on_httpx=lambda request, response: _seen(
                log, request.method, str(request.url), response, _httpx_body
            ),
        )
        self.log = log


def _httpx_body(response) -> bytes | None:
    import httpx

    try:
        return response.content
    except httpx.ResponseNotRead:  # a streamed answer we must not consume
        return None


def _seen(log: DriftLog, method: str, url: str, response, body_of) -> None:
    try:
        log.record(
            method,
            url,
            response.status_code,
            response.headers.get("content-type", ""),
            body_of(response),
        )
    except Exception:  # noqa: BLE001 - the drift report must never break a test
        log.unreadable += 1  # reported in the totals, so a broken analysis is not silent
