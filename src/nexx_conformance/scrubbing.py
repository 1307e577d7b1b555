"""What a cassette may hold: no signature, session id, password, token, code or secret.

The same functions serve the matchers (matchers.py): vcrpy compares the live request with
the stored, scrubbed one, so the live request is normalized the same way before comparing.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from vcr.request import Request

from nexx_conformance.constants import MASK, SECRET_FIELDS

SIGNATURE_HEADERS = ("X-Request-Token", "X-Request-CID")
# Path parameters that are one-time tokens.
TOKEN_IN_PATH = re.compile(r"/(authorize|resetpassword|verifytokenunique)/[^/?#\s\"'&<>]+")
# Response keys whose values are session ids, one-time values or key material.
SECRET_KEYS = frozenset(SECRET_FIELDS) | {"cid", "sig", "privatekey", "private_key", "otpauth"}
# The secret inside an otpauth:// URI; the rest of the URI (issuer, label) is kept.
OTPAUTH_SECRET = re.compile(r"(otpauth://[^\s\"']*?[?&]secret=)[^&\s\"']+")
# Placeholders keep the value's shape, so a replayed response still fits the contract's
# schema (a TOTP secret is base32, a session id matches Cid): "***" would not.
PLACEHOLDERS = {"cid": "scrubbed-session-id", "secret": "A" * 32}
URL_SIGNATURE = re.compile(r"([?&]sig=)[^&\s\"']+")


def scrub_path(path: str) -> str:
    return TOKEN_IN_PATH.sub(lambda match: f"/{match.group(1)}/{MASK}", path)


def scrub_form(encoded: str) -> str:
    if not encoded:
        return encoded
    pairs = parse_qsl(encoded, keep_blank_values=True)
    return urlencode([(k, MASK if k.lower() in SECRET_FIELDS else v) for k, v in pairs], safe="*")


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = scrub_path(text)  # also tokens echoed in metadata.calledwith and in mail links
    text = OTPAUTH_SECRET.sub(lambda match: match.group(1) + PLACEHOLDERS["secret"], text)
    return URL_SIGNATURE.sub(lambda match: match.group(1) + MASK, text)


def scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: PLACEHOLDERS.get(k.lower(), MASK) if k.lower() in SECRET_KEYS and v is not None
                else scrub_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(item) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub_uri(uri: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(path=scrub_path(parts.path), query=scrub_form(parts.query)))


def _text(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", "replace")
    return str(body)


def scrub_body_text(text: str, secrets: Iterable[str] = ()) -> str:
    try:
        return scrub_text(json.dumps(scrub_json(json.loads(text))), secrets)
    except ValueError:
        pass
    if "=" in text and "\n" not in text:
        text = scrub_form(text)
    return scrub_text(text, secrets)


class Scrubber:
    """vcrpy's before_record_request / before_record_response for one run's secrets.

    `ignore_netlocs` are our own channel sinks (the SMS webhook, Mailpit): their traffic is
    not part of the API conversation and never stored.
    """

    def __init__(self, secrets: Iterable[str], ignore_netlocs: Iterable[str] = (),
                 renames: dict[str, str] | None = None) -> None:
        self._secrets = [secret for secret in secrets if secret]
        self._ignore = set(ignore_netlocs)
        self._renames = {old: new for old, new in (renames or {}).items() if old != new}

    def _rename(self, text: str) -> str:
        for old, new in self._renames.items():
            text = text.replace(old, new)
        return text

    def before_record_request(self, request):
        if urlsplit(request.uri).netloc in self._ignore:
            return None
        # A new request with copied headers, not a deepcopy: vcrpy calls this for every
        # lookup of a replayed request, and every field replaced below is an immutable value.
        request = Request(request.method, request.uri, request.body, dict(request.headers))
        request.uri = self._rename(scrub_text(scrub_uri(request.uri), self._secrets))
        for name in SIGNATURE_HEADERS:
            if name in request.headers:
                request.headers[name] = MASK
        body = _text(request.body)
        if body:
            request.body = self._rename(scrub_body_text(body, self._secrets))
        return request

    def before_record_response(self, response: dict) -> dict:
        response = copy.deepcopy(response)
        body = response.get("body", {}).get("string")
        text = _text(body)
        if text:
            response["body"]["string"] = self._rename(scrub_body_text(text, self._secrets)).encode()
        headers = response.get("headers", {})
        for name in list(headers):
            if name.lower() == "content-length" and text:
                # The masked body is shorter than the one the server sent.
                headers[name] = [str(len(response["body"]["string"]))]
        for name in list(headers):
            if name.lower() in ("set-cookie", "x-request-cid"):
                headers[name] = [MASK]
        return response
