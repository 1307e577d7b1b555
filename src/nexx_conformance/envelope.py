"""The nexx response envelope as the suite sees it, with a masked curl line for reports."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from nexx_conformance.constants import MASK, SECRET_FIELDS

MASKED_HEADERS = ("x-request-token", "x-request-cid")


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
        """The result when it is one object (an item, an itemupdate), else an empty dict."""
        return self.result if isinstance(self.result, dict) else {}

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @classmethod
    def from_httpx(cls, response: httpx.Response) -> ApiResponse:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            body = {}
        return cls(
            status=response.status_code,
            metadata=body.get("metadata") or {},
            result=body.get("result"),
            paging=body.get("paging"),
            headers=response.headers,
            request=response.request,
            text=response.text,
        )

    def curl(self) -> str:
        return curl_of(self.request)

    def describe(self) -> str:
        """A short line for assertion messages: status, hint and how to reproduce."""
        hint = f" ({self.errorhint})" if self.errorhint else ""
        return f"HTTP {self.status}{hint}\n  reproduce: {self.curl()}"


def curl_of(request: httpx.Request) -> str:
    """A curl line reproducing the request with signature, session id and passwords masked."""
    parts = ["curl", "-X", request.method]
    for name, value in request.headers.items():
        if name.lower() in MASKED_HEADERS:
            value = MASK
        elif name.lower() not in ("content-type",):
            continue
        parts += ["-H", f"{name}: {value}"]
    body = request.content.decode("utf-8", "replace") if request.content else ""
    if body:
        parts += ["--data", mask_form(body)]
    url = request.url.copy_with(query=mask_form(request.url.query.decode()).encode() or None)
    parts.append(str(url))
    return " ".join(shlex.quote(part) for part in parts)


def mask_form(encoded: str) -> str:
    if not encoded:
        return encoded
    pairs = parse_qsl(encoded, keep_blank_values=True)
    return urlencode([(k, MASK if k.lower() in SECRET_FIELDS else v) for k, v in pairs], safe="*")
