"""Benign variants: servers that differ from the reference only where the contract leaves
freedom. The suite must pass against every one; a failure is a false alarm, a defect of
the suite or of the contract.

Adding a variant: one `Entry(name, "benign", description, CONFORMANCE, rewrite=...)`
below (or a switch the server consults with `faults.active(name)`).
"""

from __future__ import annotations

import gzip
import json
import random
from typing import Any

from .entry import CONFORMANCE, Entry
from .exchange import Exchange
from .rewrites import on_envelope, on_errors

GZIP_MIN_BYTES = 200


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


def _keys_reversed(exchange: Exchange) -> None:
    exchange.dumps = lambda value: json.dumps(_reversed_keys(value), ensure_ascii=False).encode()


def _pretty(exchange: Exchange) -> None:
    # Indented, non-ASCII escaped as \uXXXX, a trailing newline: all the same JSON.
    exchange.dumps = lambda value: (json.dumps(value, indent=2, ensure_ascii=True) + "\n").encode()


def _extra_metadata(exchange: Exchange) -> None:
    exchange.metadata.update(
        {
            "requestid": f"{random.getrandbits(64):016x}",
            "servertime": 1764000000,
            "cluster": "staging-eu-2",
            "featureflags": {"newplayer": True},
        }
    )


def _other_wording(exchange: Exchange) -> None:
    exchange.metadata["errorhint"] = (
        f"Anfrage abgelehnt (Fehler {exchange.status}). Bitte Eingaben prüfen."
    )


def _extra_headers(exchange: Exchange) -> None:
    for name, value in (
        ("X-Request-Id", f"{random.getrandbits(64):016x}"),
        ("Cache-Control", "no-store"),
        ("Server", "nexx-api/3.1"),
        ("Strict-Transport-Security", "max-age=31536000"),
        ("X-Content-Type-Options", "nosniff"),
        ("Vary", "Accept-Encoding, Origin"),
    ):
        exchange.set_header(name, value)


def _charset(exchange: Exchange) -> None:
    if exchange.header("content-type") == "application/json":
        exchange.set_header("content-type", "application/json; charset=utf-8")


def _latency(exchange: Exchange) -> None:
    exchange.delay = random.uniform(0.01, 0.05)


def _from_stage(exchange: Exchange) -> None:
    exchange.metadata["fromstage"] = 1


def _gzip(exchange: Exchange) -> None:
    if (
        "gzip" in exchange.request_headers.get("accept-encoding", "")
        and len(exchange.body) >= GZIP_MIN_BYTES
    ):
        body = exchange.final_body()
        exchange.body, exchange.dumps = gzip.compress(body), lambda value: gzip.compress(body)
        exchange.set_header("content-encoding", "gzip")
        exchange.set_header("vary", "Accept-Encoding")


VARIANTS: tuple[Entry, ...] = (
    Entry(
        "keys-reversed",
        "benign",
        "every JSON object lists its keys in reverse order",
        CONFORMANCE,
        rewrite=on_envelope(_keys_reversed),
    ),
    Entry(
        "pretty-json",
        "benign",
        "indented JSON, non-ASCII escaped, trailing newline",
        CONFORMANCE,
        rewrite=on_envelope(_pretty),
    ),
    Entry(
        "extra-metadata",
        "benign",
        "metadata carries fields the contract does not name (it is open)",
        CONFORMANCE,
        rewrite=on_envelope(_extra_metadata),
    ),
    Entry(
        "other-error-wording",
        "benign",
        "every errorhint is worded differently (in German)",
        CONFORMANCE,
        rewrite=on_errors(_other_wording),
    ),
    Entry(
        "extra-headers",
        "benign",
        "request id, caching, security and server headers on every answer",
        CONFORMANCE,
        rewrite=_extra_headers,
    ),
    Entry(
        "charset-parameter",
        "benign",
        "Content-Type: application/json; charset=utf-8",
        CONFORMANCE,
        rewrite=_charset,
    ),
    Entry("latency", "benign", "every answer 10-50 ms late", CONFORMANCE, rewrite=_latency),
    Entry(
        "from-stage",
        "benign",
        "metadata.fromstage is 1, as on a staging system",
        CONFORMANCE,
        rewrite=on_envelope(_from_stage),
    ),
    Entry(
        "gzip",
        "benign",
        "answers of 200 bytes or more are gzip-compressed when the client accepts it",
        CONFORMANCE,
        rewrite=_gzip,
    ),
    Entry(
        "long-identifiers",
        "benign",
        "session ids and mailed tokens are 128 characters (the contract allows up to 128), user ids start at 7,000,000",
        CONFORMANCE,
    ),
)
