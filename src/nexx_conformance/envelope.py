"""The nexx response envelope (`metadata`, `result`, `paging`), read in one place for the
suite's client, our schemathesis checks and the user tracking alike."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from nexx_conformance.masking import masked_curl


def json_body(content: bytes | str | None) -> Any:
    """The JSON value a body holds, or None when it holds none."""
    try:
        return json.loads(content or b"")
    except (ValueError, UnicodeDecodeError):
        return None


def envelope_of(response: Any) -> dict[str, Any]:
    """The envelope of an httpx, requests or schemathesis response: its JSON object, or {}."""
    body = json_body(response.content)
    return body if isinstance(body, dict) else {}


def metadata_of(envelope: dict[str, Any]) -> dict[str, Any]:
    metadata = envelope.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


ITEMUPDATE = "itemupdate"


def result_object_of(envelope: dict[str, Any]) -> dict[str, Any]:
    """The result's fields when it is one object (a session, an item, an operation's
    result), else an empty dict: see `fields_of`."""
    return fields_of(envelope.get("result"))


def fields_of(result: Any) -> dict[str, Any]:
    """The fields of an object result as nexx's official clients read them: a name at the
    top level of `result`, else in `result.itemupdate`, where an operation call (one that
    creates, changes or removes something) answers its details (Node:
    src/result/resultobject.js, PHP: src/result/resultobject.php). So a target that
    answers an operation's details at the top level reads the same as one that nests them.
    Not an object: {}."""
    if not isinstance(result, dict):
        return {}
    details = result.get(ITEMUPDATE)
    if not isinstance(details, dict):
        return result
    return {**details, **result}


@dataclass(frozen=True)
class Paging:
    """The `paging` of a paged list: where the page starts, its size and the list's length."""

    start: int
    limit: int
    resultcount: int

    @classmethod
    def of(cls, paging: Any) -> Paging | None:
        """The paging an envelope holds, or None where it holds no paging of three integers."""
        values = paging if isinstance(paging, dict) else {}
        if not all(isinstance(values.get(name), int) for name in ("start", "limit", "resultcount")):
            return None
        return cls(values["start"], values["limit"], values["resultcount"])


@dataclass
class ApiResponse:
    """One answer of the API: HTTP status, the envelope's parts and the request that caused it."""

    status: int
    metadata: dict[str, Any]
    result: Any
    paging: dict[str, Any] | None
    headers: httpx.Headers
    request: httpx.Request = field(repr=False)
    text: str = field(repr=False, default="")

    @property
    def errorhint(self) -> str | None:
        return self.metadata.get("errorhint")

    @property
    def fields(self) -> dict[str, Any]:
        """The result's fields, a name at the top level else in `itemupdate` (`fields_of`);
        {} when the result is no object. Every step reads a result through this."""
        return fields_of(self.result)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @classmethod
    def from_httpx(cls, response: httpx.Response) -> ApiResponse:
        body = envelope_of(response)
        return cls(
            status=response.status_code,
            metadata=metadata_of(body),
            result=body.get("result"),
            paging=body.get("paging"),
            headers=response.headers,
            request=response.request,
            text=response.text,
        )

    def curl(self) -> str:
        return masked_curl(self.request)

    def describe(self) -> str:
        """A short line for assertion messages: status, hint and how to reproduce."""
        hint = f" ({self.errorhint})" if self.errorhint else ""
        return f"HTTP {self.status}{hint}\n  reproduce: {self.curl()}"
