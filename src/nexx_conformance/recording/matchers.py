"""Cassette matchers: compare requests after normalizing what changes from run to run.

Both sides are scrubbed requests: the recorded one as stored, the live one as vcrpy's
`before_record_request` (the test's Scrubber) returns it before any matcher runs. Secrets
(passwords, codes, tokens, WebAuthn responses) are therefore per-value placeholders on both
sides (`***password-1***`, see scrubbing.py) and compared as they are: a replay that sends
another secret than the recorded one does not match. So is the session a request is sent
from (`X-Request-CID`, `***cid-1***`, `nexx_session`): a request sent from another session
than the recorded one does not match either. Normalized here: the run id in
generated names, timestamps, the device hash. Kept: method, domain id, operation, every
other field - a changed request must not match. The matchers mask a raw secret they might
still be given (`***`), so a mismatch message never shows one; the numbering of secrets is
the Scrubber's alone, since it needs the order the test sent them in.

Why the normalized forms are memoized: vcrpy looks a request up by running every matcher
against every recorded interaction of the cassette, twice per request (`in`, then
`play_response`), so one recorded request is normalized again for each later request of
its cassette - about 1.6 million comparisons for the suite, which made a replay three
times slower than the live run. The memo is keyed by the raw text itself (the URI, the
body bytes), never by object identity: equal text gives the same normalized form by
definition, and a request that differs in one byte is a different key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from nexx_conformance.masking import SESSION_HEADER, SESSION_KIND, mask_form, mask_path, masked

# Generated names look like qa_<runid>_<n> (users, emails, device hashes).
RUN_ID = re.compile(r"qa_[a-z0-9]+_")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
# Distinct URIs and bodies of a whole replay are about 20,000 (recorded plus live); the
# bound only keeps a long-lived process from growing without limit.
MEMO_SIZE = 1 << 16


def normalize(text: str) -> str:
    text = RUN_ID.sub("qa_RUN_", text)
    return TIMESTAMP.sub("TIME", text)


# Form fields that differ per run without being secret: the random device hash.
VOLATILE_FIELDS = ("nxp_devh",)


def normalized_form(encoded: str) -> list[tuple[str, str]]:
    pairs = parse_qsl(mask_form(encoded), keep_blank_values=True)
    return sorted((k, "VOLATILE" if k in VOLATILE_FIELDS else normalize(v)) for k, v in pairs)


class Normalized(NamedTuple):
    """One side of a comparison: the value compared, and its text for a mismatch message."""

    value: object
    shown: str


def _normalized(value) -> Normalized:
    # The text is rendered once per distinct request: a mismatch message is built for
    # nearly every comparison vcrpy makes, since most recorded requests do not match.
    return Normalized(value, str(value))


@lru_cache(maxsize=MEMO_SIZE)
def path_of(uri: str) -> Normalized:
    return _normalized(normalize(mask_path(urlsplit(uri).path)))


@lru_cache(maxsize=MEMO_SIZE)
def query_of(uri: str) -> Normalized:
    return _normalized(normalized_form(urlsplit(uri).query))


@lru_cache(maxsize=MEMO_SIZE)
def body_of(body: bytes | str | None) -> Normalized:
    if body is None:
        text = ""
    elif isinstance(body, bytes):
        text = body.decode("utf-8", "replace")
    else:
        text = str(body)
    return _normalized(normalized_form(text) if "=" in text else normalize(text))


def body_key(request) -> bytes | str | None:
    body = request.body
    if body is None or isinstance(body, (bytes, str)):
        return body
    if isinstance(body, bytearray):
        return bytes(body)
    # A file or iterator body (vcrpy hands out a fresh one per access): compare its text.
    return str(body)


def session_of(request) -> str:
    """The session a request is sent from, as the cassette stores it (`***cid-2***`); a raw
    id masked, `none` without one."""
    value = request.headers.get(SESSION_HEADER)
    if value is None:
        return "none"
    return masked(SESSION_KIND, str(value))


def _compare(name: str, left: Normalized, right: Normalized) -> None:
    if left.value != right.value:
        raise AssertionError(f"{name} {left.shown} != {right.shown}")


def nexx_path(r1, r2) -> None:
    _compare("path", path_of(r1.uri), path_of(r2.uri))


def nexx_query(r1, r2) -> None:
    _compare("query", query_of(r1.uri), query_of(r2.uri))


def nexx_body(r1, r2) -> None:
    _compare("body", body_of(body_key(r1)), body_of(body_key(r2)))


def nexx_session(r1, r2) -> None:
    left, right = session_of(r1), session_of(r2)
    if left != right:
        raise AssertionError(f"session {left} != {right}")


MATCHERS = {
    "nexx_path": nexx_path,
    "nexx_query": nexx_query,
    "nexx_body": nexx_body,
    "nexx_session": nexx_session,
}
MATCH_ON = ("method", "nexx_path", "nexx_query", "nexx_body", "nexx_session")


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def lookup_key(match_on: Sequence[Callable]) -> Callable[[object], tuple] | None:
    """The values every match under `match_on` shares, as a function of a request: method
    and path always, the normalized query, body and session when those matchers are in
    `match_on` too. None without `method` and `nexx_path`. A cassette's lookup is indexed by it
    (nexx_conformance.patches.install_vcr_speed)."""
    # vcrpy is imported when a cassette is in use, not with this module (its import patches
    # a dozen HTTP libraries, 40 ms): checks.py reads `normalize` in every run.
    from nexx_conformance.patches import vcr_matcher

    if vcr_matcher("method") not in match_on or nexx_path not in match_on:
        return None
    with_query, with_body = nexx_query in match_on, nexx_body in match_on
    with_session = nexx_session in match_on

    def key(request) -> tuple:
        values = [request.method, path_of(request.uri).value]
        if with_query:
            values.append(_hashable(query_of(request.uri).value))
        if with_body:
            values.append(_hashable(body_of(body_key(request)).value))
        if with_session:
            values.append(session_of(request))
        return tuple(values)

    return key
