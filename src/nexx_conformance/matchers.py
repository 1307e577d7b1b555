"""Cassette matchers: compare requests after normalizing what changes from run to run.

Both sides go through the same normalization: the recorded request (already scrubbed)
and the live one. Normalized: the run id in generated names, one-time tokens in paths,
secret and one-time form fields (passwords, codes, tokens, WebAuthn responses), timestamps.
Kept: method, domain id, operation, every other field - a changed request must not match.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from nexx_conformance.scrubbing import scrub_form, scrub_path

# Generated names look like qa_<runid>_<n> (users, emails, device hashes).
RUN_ID = re.compile(r"qa_[a-z0-9]+_")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def normalize(text: str) -> str:
    text = RUN_ID.sub("qa_RUN_", text)
    return TIMESTAMP.sub("TIME", text)


# Form fields that differ per run without being secret: the random device hash.
VOLATILE_FIELDS = ("nxp_devh",)


def normalized_form(encoded: str) -> list[tuple[str, str]]:
    pairs = parse_qsl(scrub_form(encoded), keep_blank_values=True)
    return sorted((k, "VOLATILE" if k in VOLATILE_FIELDS else normalize(v)) for k, v in pairs)


def _body(request) -> str:
    body = request.body
    if body is None:
        return ""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", "replace")
    return str(body)


def nexx_path(r1, r2) -> None:
    p1, p2 = (normalize(scrub_path(urlsplit(r.uri).path)) for r in (r1, r2))
    if p1 != p2:
        raise AssertionError(f"path {p1} != {p2}")


def nexx_query(r1, r2) -> None:
    q1, q2 = (normalized_form(urlsplit(r.uri).query) for r in (r1, r2))
    if q1 != q2:
        raise AssertionError(f"query {q1} != {q2}")


def nexx_body(r1, r2) -> None:
    b1, b2 = _body(r1), _body(r2)
    if "=" in b1 or "=" in b2:
        n1, n2 = normalized_form(b1), normalized_form(b2)
    else:
        n1, n2 = normalize(b1), normalize(b2)
    if n1 != n2:
        raise AssertionError(f"body {n1} != {n2}")


MATCHERS = {"nexx_path": nexx_path, "nexx_query": nexx_query, "nexx_body": nexx_body}
MATCH_ON = ("method", "nexx_path", "nexx_query", "nexx_body")
