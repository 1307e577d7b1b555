"""Mail channel: a Mailpit instance a staging system delivers to, read over its HTTP API."""

from __future__ import annotations

import time

import httpx

from nexx_conformance.channels import Message, NoMessage
from nexx_conformance.channels.smtp_sink import MAIL_TYPE_HEADER

POLL_SECONDS = 0.5


class MailpitMailbox:
    """Polls Mailpit's search for the recipient; remembers which messages it already gave out."""

    def __init__(self, api_url: str, *, transport: httpx.BaseTransport | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        self._http = httpx.Client(base_url=self.api_url, timeout=10.0, transport=transport)
        self._taken: set[str] = set()

    def wait_for(self, recipient: str, kind: str | None = None, timeout: float = 10.0) -> Message:
        deadline = time.monotonic() + timeout
        while True:
            message = self._next(recipient, kind)
            if message is not None:
                return message
            if time.monotonic() >= deadline:
                raise NoMessage(
                    f"no {kind or 'mail'} for {recipient} in Mailpit ({self.api_url}) "
                    f"within {timeout:g}s"
                )
            time.sleep(POLL_SECONDS)

    def _next(self, recipient: str, kind: str | None) -> Message | None:
        found = self._http.get("/api/v1/search", params={"query": f'to:"{recipient}"'})
        found.raise_for_status()
        # Mailpit lists newest first; the oldest untaken message is the one a user reads next.
        for summary in reversed(found.json().get("messages") or []):
            message_id = summary["ID"]
            if message_id in self._taken:
                continue
            mail_kind = self._mail_type(message_id)
            if kind is not None and mail_kind != kind:
                continue
            detail = self._http.get(f"/api/v1/message/{message_id}")
            detail.raise_for_status()
            self._taken.add(message_id)
            body = detail.json()
            return Message(
                recipient=recipient, kind=mail_kind, text=body.get("Text") or body.get("HTML") or ""
            )
        return None

    def _mail_type(self, message_id: str) -> str:
        headers = self._http.get(f"/api/v1/message/{message_id}/headers")
        headers.raise_for_status()
        values = headers.json().get(MAIL_TYPE_HEADER) or [""]
        return values[0].strip()

    def close(self) -> None:
        self._http.close()
