"""Every secret a message, a curl line or a cassette could show, masked: one set of rules.

A secret is a signature or session header, a secret form field (`SECRET_FIELDS`), a
one-time token in a path, a secret JSON key, the secret of an otpauth:// URI or the
signature of an upload URL. What replaces it is the caller's `Mask`: by default `***`, and
a cassette placeholder (`***password-1***`, recording.scrubbing) stays as it is, since it
is no secret and names which one it stands for. The cassette scrubber passes a Mask that
numbers each value instead.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from nexx_conformance.constants import MASK, SECRET_FIELDS

SESSION_HEADER = "X-Request-CID"
SIGNATURE_HEADERS = ("X-Request-Token", SESSION_HEADER)
# The kind a session id is numbered as in a cassette (`***cid-1***`).
SESSION_KIND = "cid"
MASKED_HEADERS = tuple(name.lower() for name in SIGNATURE_HEADERS)
# Headers a reader needs to replay the call; the rest (User-Agent, Content-Length, ...) is noise.
SHOWN_HEADERS = ("content-type", "accept") + MASKED_HEADERS
# Path parameters that are one-time tokens.
TOKEN_IN_PATH = re.compile(r"/(authorize|resetpassword|verifytokenunique)/([^/?#\s\"'&<>]+)")
# Response keys whose values are session ids, one-time values or key material.
SECRET_KEYS = frozenset(SECRET_FIELDS) | {"cid", "sig", "privatekey", "private_key", "otpauth"}
# The secret inside an otpauth:// URI; the rest of the URI (issuer, label) is kept.
OTPAUTH_SECRET = re.compile(r"(otpauth://[^\s\"']*?[?&]secret=)[^&\s\"']+")
# Placeholders keep the value's shape, so a replayed response still fits the contract's
# schema (a TOTP secret is base32, a session id matches Cid): "***" would not.
PLACEHOLDERS = {SESSION_KIND: "scrubbed-session-id", "secret": "A" * 32}
# A cassette numbers the session ids in answers, keeping their shape (the Cid pattern), so
# a replay hands each recorded session its own id: `scrubbed-session-1`, ...
SHAPED_SESSION = re.compile(r"scrubbed-session-(?:id|\d+)")
URL_SIGNATURE = re.compile(r"([?&]sig=)([^&\s\"']+)")
# The kind a placeholder names: what the value is, not which field carried it.
KIND_OF_FIELD = {name: "password" if name.endswith("password") else name for name in SECRET_FIELDS}
PATH_TOKEN, URL_SIGNATURE_KIND = "token", "sig"
# A placeholder as stored, also percent-encoded ("*" is %2A).
PLACEHOLDER = re.compile(r"(?:\*\*\*|%2A%2A%2A)[a-z_]+(?:-answered)?-\d+(?:\*\*\*|%2A%2A%2A)")

# What a secret of a kind is shown as: (kind, value) -> mask or placeholder.
Mask = Callable[[str, str], str]


def is_placeholder(value: str) -> bool:
    return PLACEHOLDER.fullmatch(value) is not None


def is_shaped_placeholder(value: str) -> bool:
    """A stand-in that keeps a secret's shape: `scrubbed-session-2`, the base32 `AAAA...`."""
    return SHAPED_SESSION.fullmatch(value) is not None or value in PLACEHOLDERS.values()


def shaped(kind: str, value: str) -> str:
    """The fixed stand-in of a secret whose shape the contract fixes (session id, TOTP secret)."""
    return PLACEHOLDERS[kind]


def masked(kind: str, value: str) -> str:
    """`***` for a secret; a placeholder stays (it is no secret, and names which one)."""
    return value if is_placeholder(value) else MASK


def mask_path(path: str, mask: Mask = masked) -> str:
    return TOKEN_IN_PATH.sub(
        lambda match: f"/{match.group(1)}/{mask(PATH_TOKEN, match.group(2))}", path
    )


def mask_form(encoded: str, mask: Mask = masked) -> str:
    if not encoded:
        return encoded
    pairs = parse_qsl(encoded, keep_blank_values=True)
    return urlencode(
        [
            (k, mask(KIND_OF_FIELD[k.lower()], v) if k.lower() in KIND_OF_FIELD else v)
            for k, v in pairs
        ],
        safe="*",
    )


def mask_text(text: str, secrets: Iterable[str] = (), mask: Mask = masked) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = mask_path(text, mask)  # also tokens echoed in metadata.calledwith and in mail links
    text = OTPAUTH_SECRET.sub(lambda match: match.group(1) + PLACEHOLDERS["secret"], text)
    return mask_url_signature(text, mask)


def mask_url_signature(text: str, mask: Mask = masked) -> str:
    """The `sig` of an upload URL masked: it is the URL's whole authorization."""
    return URL_SIGNATURE.sub(
        lambda match: match.group(1) + mask(URL_SIGNATURE_KIND, match.group(2)), text
    )


def mask_json(value: Any, mask: Mask = masked, shape: Mask = shaped) -> Any:
    """`value` with each secret key's value masked: by `mask`, or by `shape` where the
    contract fixes the value's shape (PLACEHOLDERS)."""
    if isinstance(value, dict):
        return {
            k: secret_value(k.lower(), v, mask, shape)
            if k.lower() in SECRET_KEYS and v is not None
            else mask_json(v, mask, shape)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_json(item, mask, shape) for item in value]
    if isinstance(value, str):
        return mask_text(value, mask=mask)
    return value


def secret_value(key: str, value: Any, mask: Mask, shape: Mask = shaped) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    if key in PLACEHOLDERS:
        return shape(key, text)
    return mask(KIND_OF_FIELD.get(key, key), text)


def mask_uri(uri: str, mask: Mask = masked) -> str:
    parts = urlsplit(uri)
    return urlunsplit(
        parts._replace(path=mask_path(parts.path, mask), query=mask_form(parts.query, mask))
    )


def mask_body(
    text: str, secrets: Iterable[str] = (), mask: Mask = masked, shape: Mask = shaped
) -> str:
    """A request or response body of any kind (JSON, form, text) with its secrets masked."""
    try:
        return mask_text(json.dumps(mask_json(json.loads(text), mask, shape)), secrets, mask)
    except ValueError:
        pass
    if "=" in text and "\n" not in text:
        text = mask_form(text, mask)
    return mask_text(text, secrets, mask)


def masked_curl(request: Any) -> str:
    """A curl line reproducing an httpx or a requests request, with session id, signature
    and secret fields masked."""
    parts = ["curl", "-X", str(request.method)]
    for name, value in (request.headers or {}).items():
        lowered = name.lower()
        if lowered in SHOWN_HEADERS:
            parts += ["-H", f"{name}: {MASK if lowered in MASKED_HEADERS else value}"]
    body = sent_body(request)
    if body:
        parts += ["--data", mask_form(body) if is_form(request) else mask_body(body)]
    url = urlsplit(str(request.url))
    parts.append(urlunsplit(url._replace(query=mask_form(url.query))))
    return " ".join(shlex.quote(part) for part in parts)


def sent_body(request: Any) -> str:
    # requests keeps the encoded body in `body`, httpx in `content`.
    body = request.body if hasattr(request, "body") else request.content
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", "replace")
    return body if isinstance(body, str) else ""  # a streamed body is not shown


def is_form(request: Any) -> bool:
    content_type = (request.headers or {}).get("Content-Type", "")
    return "x-www-form-urlencoded" in content_type
