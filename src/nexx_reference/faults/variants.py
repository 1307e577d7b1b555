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
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from .entry import CONFORMANCE, Entry
from .exchange import Exchange
from .rewrites import on_envelope, on_errors, on_operation, users

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


# --- nexx-like: answers shaped as the evidence shows them (contracts/evidence.yaml) ---------


def _metadata_as_documented(exchange: Exchange) -> None:
    # The docs' response object names the domain `fordomain` and lists `fromstage`; a real
    # system (captured, 2022) sends `forclient` and no `fromstage`, as the reference does.
    metadata = exchange.metadata
    metadata["fordomain"] = metadata.pop("forclient", 0)
    metadata["fromstage"] = 0
    metadata["apiversion"] = "3.1"


def _metadata_as_captured(exchange: Exchange) -> None:
    # As the captured 2022 answer to a deprecated parameter: a later patch version, a
    # processing time of full precision, and a notice.
    metadata = exchange.metadata
    metadata["apiversion"] = "3.1.31"
    metadata["processingtime"] = 0.049755096435546875
    if exchange.status < HTTPStatus.BAD_REQUEST:
        metadata["notice"] = (
            "'captionFormat' is deprecated. please specify the Caption Format in 'addCaptions'."
        )


# The captured session/init answer (tests/fixtures/real_answers/2022-session-init.yaml)
# beyond what the reference sends; values as captured, the ids the reference's own.
CAPTURED_GENERAL = {
    "isUnique": 1,
    "affiliatePartner": 0,
    "deliverPartnerAdref": "",
    "webViewOrigin": "",
    "geocode": "DE",
    "georegion": 0,
    "gdprApplies": 1,
    "latitude": "50.096",
    "longitude": "8.7111",
    "gateway": "html",
    "language": "de",
    "referrer": "",
    "portal": "",
}
CAPTURED_DEVICE = {
    "ip": "198.51.100.47",
    "type": "pc",
    "manufacturer": "",
    "model": "",
    "sessionIndex": 1,
    "browser": "curl",
    "browser_version": "7.79",
    "os": "",
    "os_version": "",
    "supportsWebP": 0,
    "supportsAVIF": 0,
    "needsUpdate": 0,
}
CAPTURED_SYSTEM = {
    "clientstatus": "online",
    "domainstatus": "online",
    "sdkstatus": 1,
    # Of the captured shape, not its value.
    "samaritanToken": "c2FtYXJpdGFuLXRva2VuLWZvcm0%3D&se=1648086942",
}


def _session_init_as_captured(exchange: Exchange) -> None:
    result = exchange.result
    if exchange.status != HTTPStatus.CREATED or not isinstance(result, dict):
        return
    general = result.setdefault("general", {})
    for ours in ("persistent", "expires"):  # the contract's, not in the capture
        general.pop(ours, None)
    general.update(CAPTURED_GENERAL)
    result.setdefault("device", {}).update(CAPTURED_DEVICE)
    result["system"] = dict(CAPTURED_SYSTEM)


# nexx-like: what a real system adds beyond the contract, only where the contract leaves an
# object open (the metadata; session/init's general, device and system), so every rule still
# holds and the drift report lists each field: what a calibration run takes in
# (docs/staging.md, scripts/demo-calibration).
NEXX_LIKE_METADATA = {"requestid": "3f9c2a71e4b05d68", "servertime": 1764000000}
NEXX_LIKE_SESSION = {
    "general": {"trackingEnabled": 0},
    "device": {"screenSize": "1920x1080"},
    "system": {"cdnRegion": "eu-central"},
}


def _nexx_like(exchange: Exchange) -> None:
    _metadata_as_captured(exchange)
    exchange.metadata.update(NEXX_LIKE_METADATA)
    result = exchange.result
    if exchange.operation == "init" and exchange.status == HTTPStatus.CREATED:
        for part, fields in NEXX_LIKE_SESSION.items():
            if isinstance(result, dict) and isinstance(result.get(part), dict):
                result[part].update(fields)


def _refusals_with_null_result(exchange: Exchange) -> None:
    # The docs promise a result on success only; `result: null` on a refusal is allowed too.
    exchange.envelope["result"] = None


# The blocks and fields of the captured media item (tests/fixtures/real_answers/
# 2022-videos-byid.yaml) the reference does not send; values of the capture's shape.
CAPTURED_ITEM_GENERAL = {
    "orderhint": "",
    "videotype": "episode",
    "isPay": 0,
    "contentModerationAspects": "",
    "isUGC": 0,
    "forKids": 0,
    "isPicked": 0,
}
CAPTURED_ITEM_BLOCKS = {
    "captiondata": [],
    "streamdata": {"cdnType": "3q", "adMode": 0, "bumperMode": 0, "watermarkMode": 1},
    "protectiondata": {"method": "", "token": "", "provider": "", "server": "", "key": ""},
    "features": {"width": 1920, "height": 1080, "aspectRatio": "16:9", "hasAudio": 1},
    "statusdata": {"ageok": 1, "timeok": 1, "geook": 1, "shouldAllowEmbed": 1},
}


def media_items(node: Any) -> Iterator[dict[str, Any]]:
    """Every media item in a result: an object whose `general` has an ID and a hash."""
    if isinstance(node, dict):
        general = node.get("general")
        if isinstance(general, dict) and "ID" in general and "hash" in general:
            yield node
        for value in node.values():
            yield from media_items(value)
    elif isinstance(node, list):
        for item in node:
            yield from media_items(item)


def _media_items_as_captured(exchange: Exchange) -> None:
    for item in media_items(exchange.result):
        item["general"].update(CAPTURED_ITEM_GENERAL)
        for name, block in CAPTURED_ITEM_BLOCKS.items():
            item.setdefault(name, json.loads(json.dumps(block)))


# Fields a real system's user object may well have beyond the contract's (the User page:
# "All User entered Details"); the contract closes its User object by a guess.
MORE_USER_FIELDS = {"nickname": "", "hasAvatar": 0, "lastLogin": 1764000000}


def _users_with_more_fields(exchange: Exchange) -> None:
    for user in users(exchange):
        user.update(MORE_USER_FIELDS)


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
        "metadata-as-documented",
        "benign",
        "metadata as the docs list it: fordomain and fromstage, apiversion 3.1 (the reference sends forclient, as a real system does)",
        CONFORMANCE,
        rewrite=on_envelope(_metadata_as_documented),
    ),
    Entry(
        "metadata-as-captured",
        "benign",
        "metadata as a captured answer has it: another 3.1 patch version, full-precision processingtime, a deprecation notice",
        CONFORMANCE,
        rewrite=on_envelope(_metadata_as_captured),
    ),
    Entry(
        "session-init-as-captured",
        "benign",
        "/session/init answers every field of the captured answer (isUnique, geocode, device.ip, system.samaritanToken, ...) and not the contract's persistent and expires",
        CONFORMANCE,
        rewrite=on_operation("init", _session_init_as_captured),
    ),
    Entry(
        "nexx-like",
        "benign",
        "metadata as captured (3.1 patch version, notice) plus requestid and servertime; session/init's general, device and system carry a field each the contract does not name (all open objects): the calibration demo's target",
        CONFORMANCE,
        rewrite=on_envelope(_nexx_like),
    ),
    Entry(
        "refusals-with-null-result",
        "benign",
        "every refusal carries result: null (the reference sends no result, as the docs promise one on success only)",
        CONFORMANCE,
        rewrite=on_errors(_refusals_with_null_result),
    ),
    Entry(
        "media-items-as-captured",
        "benign",
        "every media item carries the blocks and fields of the captured item (captiondata, streamdata, features, statusdata, protectiondata; orderhint, videotype, isPay, ...)",
        CONFORMANCE,
        rewrite=on_envelope(_media_items_as_captured),
    ),
    Entry(
        "users-with-more-fields",
        "benign",
        "every user object carries fields the contract does not name (nickname, hasAvatar, lastLogin): only the contract's guessed closed User object is broken",
        CONFORMANCE,
        rewrite=on_envelope(_users_with_more_fields),
        breaks_guesses=True,
    ),
    Entry(
        "long-identifiers",
        "benign",
        "session ids and mailed tokens are 128 characters (the contract allows up to 128), user ids start at 7,000,000",
        CONFORMANCE,
    ),
)
