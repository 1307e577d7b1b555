"""One HTTP exchange as a rewrite sees it: what was asked, and the answer it may change."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

API_PREFIX = "/v3.1"


def compact_json(value: Any) -> bytes:
    # What starlette's JSONResponse writes: an untouched envelope goes out byte for byte.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


@dataclass
class Exchange:
    method: str
    path: str
    query: str
    request_body: bytes
    request_headers: dict[str, str]
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    delay: float = 0.0  # seconds to wait before the answer goes out
    dumps: Callable[[Any], bytes] = compact_json
    _envelope: Any = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    @property
    def operation(self) -> str:
        """The operation segment of the path (`/v3.1/4711/user/profile` -> `profile`), or ''."""
        below = (
            self.path[len(API_PREFIX) :] if self.path.startswith(API_PREFIX + "/") else self.path
        )
        parts = below.split("/")
        return parts[3] if len(parts) > 3 else ""

    @property
    def fields(self) -> dict[str, list[str]]:
        """The query and form fields of the request."""
        found = parse_qs(self.query, keep_blank_values=True)
        for name, values in parse_qs(
            self.request_body.decode("utf-8", "replace"), keep_blank_values=True
        ).items():
            found.setdefault(name, []).extend(values)
        return found

    @property
    def envelope(self) -> dict[str, Any] | None:
        """The JSON body (changes to it are sent), or None if the answer is no JSON object."""
        if not self._parsed:
            self._parsed = True
            if self.header("content-type").startswith("application/json"):
                try:
                    self._envelope = json.loads(self.body)
                except ValueError:
                    self._envelope = None
        return self._envelope if isinstance(self._envelope, dict) else None

    @property
    def metadata(self) -> dict[str, Any]:
        return (self.envelope or {}).get("metadata") or {}

    @property
    def result(self) -> Any:
        return (self.envelope or {}).get("result")

    @property
    def is_error(self) -> bool:
        return self.status >= 400

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")

    def set_header(self, name: str, value: str | None) -> None:
        """Replace the header `name` (None removes it)."""
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        if value is not None:
            self.headers.append((name, value))

    def set_status(self, status: int, *, envelope_too: bool = True) -> None:
        self.status = status
        if envelope_too and self.envelope is not None:
            self.metadata["status"] = status

    def final_body(self) -> bytes:
        return (
            self.dumps(self._envelope) if self._parsed and self._envelope is not None else self.body
        )
