"""Outgoing SMS: an HTTP POST of JSON to the configured webhook (docs/conventions.md).

Body: {"to": "+49...", "text": "Your code is 123456", "domain": 4711}. The code is in the
text, so the text is never logged.
"""

from __future__ import annotations

import logging
import ssl

import httpx

from .masking import mask_phone

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10.0


class SmsSender:
    def __init__(self, webhook: str | None) -> None:
        self._webhook = webhook
        # Made on the first message and kept: httpx reads the CA bundle for every client's
        # own context otherwise, 20 ms a message.
        self._tls: ssl.SSLContext | None = None

    async def send(self, to: str, text: str, domain: int) -> bool:
        """Send one SMS; True when the webhook answered 2xx. Failures are logged, not raised."""
        if self._webhook is None:
            log.info("sms to %s not sent: no --sms-webhook configured", mask_phone(to))
            return False
        if self._tls is None:
            self._tls = httpx.create_ssl_context()
        try:
            async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT, verify=self._tls) as client:
                response = await client.post(
                    self._webhook, json={"to": to, "text": text, "domain": domain}
                )
        except httpx.HTTPError as exc:
            log.warning("sms to %s failed: %s", mask_phone(to), type(exc).__name__)
            return False
        if response.is_error:
            log.warning(
                "sms to %s refused by the webhook: HTTP %s", mask_phone(to), response.status_code
            )
            return False
        return True
