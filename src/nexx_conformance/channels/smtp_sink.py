"""Mail channel: an SMTP sink (aiosmtpd) the server under test delivers to."""

from __future__ import annotations

from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from nexx_conformance.channels import Inbox, Message
from nexx_conformance.channels.ports import SinkError, ensure_port_free, free_port

# SinkError is what SmtpSink raises for a taken port: importable from here too.
__all__ = ["MAIL_TYPE_HEADER", "SinkError", "SmtpSink"]

MAIL_TYPE_HEADER = "X-Nexx-Mail-Type"


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        body = mail.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        kind = str(mail.get(MAIL_TYPE_HEADER, "")).strip()
        for recipient in envelope.rcpt_tos:
            self.inbox.deliver(Message(recipient=recipient, kind=kind, text=text))
        return "250 Message accepted for delivery"


class SmtpSink:
    """Receives mail on host:port; `wait_for(recipient, kind)` gives the next one."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        # aiosmtpd's Controller(port=0) fails its ready check, and its default host may be
        # ::1: bind a known free port and pass the host explicitly.
        self.host = host
        self.port = port or free_port(host)
        ensure_port_free(host, self.port, "the SMTP sink")
        self.inbox = Inbox("mailbox")
        self._controller = Controller(_Handler(self.inbox), hostname=host, port=self.port)
        self._controller.start()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def wait_for(self, recipient: str, kind: str | None = None, timeout: float = 10.0) -> Message:
        return self.inbox.wait_for(recipient, kind, timeout)

    def close(self) -> None:
        self._controller.stop()
