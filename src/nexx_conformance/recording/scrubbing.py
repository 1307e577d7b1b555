"""What a cassette may hold: no signature, session id, password, token, code or secret.

A secret is stored as a placeholder that keeps its identity within the cassette: the first
password a test sends is `***password-1***`, the second `***password-2***`, the same
password again `***password-1***` (`Placeholders`). So a replay that sends the old password
where the recording sent the new one, or reuses a token where the recording used a fresh
one, no longer matches. The numbering is by first sight, per Scrubber (one per test), and
vcrpy runs `before_record_request` on the live request in replay too, before matching: a
test that sends the same sequence of distinct values gets the same placeholders, whatever
the values are (in replay the channels and authenticators hand out distinct stand-ins,
nexx_conformance.stand_ins).

Sessions are numbered the same way: the `X-Request-CID` a test sends first is stored as
`***cid-1***`, the next session's as `***cid-2***` (the matchers compare it), so a request
sent from another session than the recorded one does not match. In an answer a session id
keeps the shape the contract gives it (the Cid pattern), numbered per value apart from what
the test sends: `scrubbed-session-1`, `scrubbed-session-2`. A replay hands each recorded
session its own id that way, and the test sends that id back, which is numbered by first
sight as the real one was.

Values the target hands out and the test sends back (the signature of an upload URL) are
numbered apart, `***sig-answered-1***`: responses are scrubbed only while recording, so
they must not move the numbers of what the test sends; in replay the test sends the stored
placeholder back, which a placeholder maps to itself. Where the contract needs a shape and
the value is never sent back (a base32 TOTP secret), a response keeps a fixed placeholder.

Which values are secrets is nexx_conformance.masking's to say, for cassettes and failure
messages alike; a Scrubber only chooses what each one is stored as.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from vcr.request import Request

from nexx_conformance.constants import MASK
from nexx_conformance.masking import (
    SESSION_HEADER,
    SESSION_KIND,
    SIGNATURE_HEADERS,
    is_placeholder,
    is_shaped_placeholder,
    mask_body,
    mask_text,
    mask_uri,
    shaped,
)

ANSWERED = "-answered"


class Placeholders:
    """The per-value placeholders of one cassette, numbered per kind in order of first sight."""

    def __init__(self) -> None:
        self._of: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self._shaped: dict[str, str] = {}

    def sent(self, kind: str, value: str) -> str:
        """What a secret the test sends is stored as."""
        return self._placeholder(kind, value)

    def answered(self, kind: str, value: str) -> str:
        """What a secret in the target's answer is stored as: the placeholder of a value the
        test sent already (a token echoed in `calledwith`), else one numbered apart."""
        return self._placeholder(kind + ANSWERED, value)

    def session_answered(self, value: str) -> str:
        """What a session id in an answer's header is stored as: the placeholder of the
        session the test sent it from, else its shaped stand-in. Never a new number: the
        test may send that session later, and must get the number a replay gives it."""
        return self._of.get(value) or self.shaped(SESSION_KIND, value)

    def shaped(self, kind: str, value: str) -> str:
        """What a secret in an answer whose shape the contract fixes is stored as: a session
        id as `scrubbed-session-<n>`, numbered per value; any other kind as its fixed stand-in."""
        if kind != SESSION_KIND:
            return shaped(kind, value)
        if is_shaped_placeholder(value):
            return value
        if value not in self._shaped:
            self._shaped[value] = f"scrubbed-session-{len(self._shaped) + 1}"
        return self._shaped[value]

    def _placeholder(self, kind: str, value: str) -> str:
        if is_placeholder(value):
            return value
        if value not in self._of:
            self._counts[kind] += 1
            self._of[value] = f"***{kind}-{self._counts[kind]}***"
        return self._of[value]


def _text(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", "replace")
    return str(body)


class Scrubber:
    """vcrpy's before_record_request / before_record_response for one test's cassette.

    `ignore_netlocs` are our own channel sinks (the SMS webhook, Mailpit): their traffic is
    not part of the API conversation and never stored.
    """

    def __init__(
        self,
        secrets: Iterable[str],
        ignore_netlocs: Iterable[str] = (),
        renames: dict[str, str] | None = None,
    ) -> None:
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
        request.uri = self._rename(mask_text(mask_uri(request.uri, sent), self._secrets, sent))
        for name in SIGNATURE_HEADERS:
            if name in request.headers:
                # The session is numbered (the matchers compare it); the signature is the
                # same for every session of an operation, and a secret's hash: masked.
                value = str(request.headers[name])
                request.headers[name] = (
                    sent(SESSION_KIND, value) if name == SESSION_HEADER else MASK
                )
        body = _text(request.body)
        if body:
            request.body = self._rename(mask_body(body, self._secrets, sent))
        return request

    def before_record_response(self, response: dict) -> dict:
        response = copy.deepcopy(response)
        body = response.get("body", {}).get("string")
        text = _text(body)
        if text:
            placeholders = self.placeholders
            scrubbed = mask_body(text, self._secrets, placeholders.answered, placeholders.shaped)
            response["body"]["string"] = self._rename(scrubbed).encode()
        headers = response.get("headers", {})
        for name in list(headers):
            if name.lower() == "content-length" and text:
                # The masked body is shorter than the one the server sent.
                headers[name] = [str(len(response["body"]["string"]))]
        for name in list(headers):
            if name.lower() == "set-cookie":
                headers[name] = [MASK]
            elif name.lower() == SESSION_HEADER.lower():
                headers[name] = [self.placeholders.session_answered(str(v)) for v in headers[name]]
        return response
