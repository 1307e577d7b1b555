"""What a cassette may hold: no signature, session id, password, token, code or secret.

A secret is stored as a placeholder that keeps its identity within the cassette: the first
password a test sends is `***password-1***`, the second `***password-2***`, the same
password again `***password-1***` (`Placeholders`). So a replay that sends the old password
where the recording sent the new one, or reuses a token where the recording used a fresh
one, no longer matches. The numbering is by first sight, per Scrubber (one per test), and
vcrpy runs `before_record_request` on the live request in replay too, before matching: a
test that sends the same sequence of distinct values gets the same placeholders, whatever
the values are (in replay the channels and authenticators hand out distinct stand-ins,
nexx_conformance.replay_values).

Values the target hands out and the test sends back (the signature of an upload URL) are
numbered apart, `***sig-answered-1***`: responses are scrubbed only while recording, so
they must not move the numbers of what the test sends; in replay the test sends the stored
placeholder back, which a placeholder maps to itself. Where the contract needs a shape (a
session id, a base32 TOTP secret), a response keeps a fixed placeholder of that shape.

The same functions without a Scrubber (the default `mask`) mask every secret as `***` and
keep placeholders: failure messages and the matchers' defensive normalization use them.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from vcr.request import Request

from nexx_conformance.constants import MASK, SECRET_FIELDS

SIGNATURE_HEADERS = ("X-Request-Token", "X-Request-CID")
# Path parameters that are one-time tokens.
TOKEN_IN_PATH = re.compile(r"/(authorize|resetpassword|verifytokenunique)/([^/?#\s\"'&<>]+)")
# Response keys whose values are session ids, one-time values or key material.
SECRET_KEYS = frozenset(SECRET_FIELDS) | {"cid", "sig", "privatekey", "private_key", "otpauth"}
# The secret inside an otpauth:// URI; the rest of the URI (issuer, label) is kept.
OTPAUTH_SECRET = re.compile(r"(otpauth://[^\s\"']*?[?&]secret=)[^&\s\"']+")
# Placeholders keep the value's shape, so a replayed response still fits the contract's
# schema (a TOTP secret is base32, a session id matches Cid): "***" would not.
PLACEHOLDERS = {"cid": "scrubbed-session-id", "secret": "A" * 32}
URL_SIGNATURE = re.compile(r"([?&]sig=)([^&\s\"']+)")
# The kind a placeholder names: what the value is, not which field carried it.
KIND_OF_FIELD = {name: "password" if name.endswith("password") else name for name in SECRET_FIELDS}
PATH_TOKEN, URL_SIGNATURE_KIND = "token", "sig"
ANSWERED = "-answered"
# A placeholder as stored, also percent-encoded ("*" is %2A).
PLACEHOLDER = re.compile(r"(?:\*\*\*|%2A%2A%2A)[a-z_]+(?:-answered)?-\d+(?:\*\*\*|%2A%2A%2A)")

# What a secret of a kind is stored as: (kind, value) -> placeholder.
Mask = Callable[[str, str], str]


def is_placeholder(value: str) -> bool:
    return PLACEHOLDER.fullmatch(value) is not None


def masked(kind: str, value: str) -> str:
    """`***` for a secret; a placeholder stays (it is no secret, and names which one)."""
    return value if is_placeholder(value) else MASK


class Placeholders:
    """The per-value placeholders of one cassette, numbered per kind in order of first sight."""

    def __init__(self) -> None:
        self._of: dict[str, str] = {}
        self._counts: Counter[str] = Counter()

    def sent(self, kind: str, value: str) -> str:
        """What a secret the test sends is stored as."""
        return self._placeholder(kind, value)

    def answered(self, kind: str, value: str) -> str:
        """What a secret in the target's answer is stored as: the placeholder of a value the
        test sent already (a token echoed in `calledwith`), else one numbered apart."""
        return self._placeholder(kind + ANSWERED, value)

    def _placeholder(self, kind: str, value: str) -> str:
        if is_placeholder(value):
            return value
        if value not in self._of:
            self._counts[kind] += 1
            self._of[value] = f"***{kind}-{self._counts[kind]}***"
        return self._of[value]


def scrub_path(path: str, mask: Mask = masked) -> str:
    return TOKEN_IN_PATH.sub(lambda match: f"/{match.group(1)}/{mask(PATH_TOKEN, match.group(2))}", path)


def scrub_form(encoded: str, mask: Mask = masked) -> str:
    if not encoded:
        return encoded
    pairs = parse_qsl(encoded, keep_blank_values=True)
    return urlencode([(k, mask(KIND_OF_FIELD[k.lower()], v) if k.lower() in KIND_OF_FIELD else v)
                      for k, v in pairs], safe="*")


def scrub_text(text: str, secrets: Iterable[str] = (), mask: Mask = masked) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = scrub_path(text, mask)  # also tokens echoed in metadata.calledwith and in mail links
    text = OTPAUTH_SECRET.sub(lambda match: match.group(1) + PLACEHOLDERS["secret"], text)
    return URL_SIGNATURE.sub(lambda match: match.group(1) + mask(URL_SIGNATURE_KIND, match.group(2)), text)


def scrub_json(value: Any, mask: Mask = masked) -> Any:
    if isinstance(value, dict):
        return {k: secret_value(k.lower(), v, mask) if k.lower() in SECRET_KEYS and v is not None
                else scrub_json(v, mask) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(item, mask) for item in value]
    if isinstance(value, str):
        return scrub_text(value, mask=mask)
    return value


def secret_value(key: str, value: Any, mask: Mask) -> str:
    if key in PLACEHOLDERS:
        return PLACEHOLDERS[key]
    return mask(KIND_OF_FIELD.get(key, key), value if isinstance(value, str) else json.dumps(value))


def scrub_uri(uri: str, mask: Mask = masked) -> str:
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(path=scrub_path(parts.path, mask), query=scrub_form(parts.query, mask)))


def _text(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", "replace")
    return str(body)


def scrub_body_text(text: str, secrets: Iterable[str] = (), mask: Mask = masked) -> str:
    try:
        return scrub_text(json.dumps(scrub_json(json.loads(text), mask)), secrets, mask)
    except ValueError:
        pass
    if "=" in text and "\n" not in text:
        text = scrub_form(text, mask)
    return scrub_text(text, secrets, mask)


class Scrubber:
    """vcrpy's before_record_request / before_record_response for one test's cassette.

    `ignore_netlocs` are our own channel sinks (the SMS webhook, Mailpit): their traffic is
    not part of the API conversation and never stored.
    """

    def __init__(self, secrets: Iterable[str], ignore_netlocs: Iterable[str] = (),
                 renames: dict[str, str] | None = None) -> None:
        self._secrets = [secret for secret in secrets if secret]
        self._ignore = set(ignore_netlocs)
        self._renames = {old: new for old, new in (renames or {}).items() if old != new}
        self.placeholders = Placeholders()

    def _rename(self, text: str) -> str:
        for old, new in self._renames.items():
            text = text.replace(old, new)
        return text

    def before_record_request(self, request):
        if urlsplit(request.uri).netloc in self._ignore:
            return None
        # A new request with copied headers, not a deepcopy: vcrpy calls this for every
        # lookup of a replayed request, and every field replaced below is an immutable value.
        # Called again for the same request, it gives the same placeholders.
        request = Request(request.method, request.uri, request.body, dict(request.headers))
        sent = self.placeholders.sent
        request.uri = self._rename(scrub_text(scrub_uri(request.uri, sent), self._secrets, sent))
        for name in SIGNATURE_HEADERS:
            if name in request.headers:
                request.headers[name] = MASK
        body = _text(request.body)
        if body:
            request.body = self._rename(scrub_body_text(body, self._secrets, sent))
        return request

    def before_record_response(self, response: dict) -> dict:
        response = copy.deepcopy(response)
        body = response.get("body", {}).get("string")
        text = _text(body)
        if text:
            scrubbed = scrub_body_text(text, self._secrets, self.placeholders.answered)
            response["body"]["string"] = self._rename(scrubbed).encode()
        headers = response.get("headers", {})
        for name in list(headers):
            if name.lower() == "content-length" and text:
                # The masked body is shorter than the one the server sent.
                headers[name] = [str(len(response["body"]["string"]))]
        for name in list(headers):
            if name.lower() in ("set-cookie", "x-request-cid"):
                headers[name] = [MASK]
        return response
