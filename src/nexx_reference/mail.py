"""Outgoing mail over SMTP, in the format of docs/conventions.md (out-of-band channels).

Each mail carries `X-Nexx-Mail-Type` and, where it has one, the link
`https://{public_host}/{authorize|resetpassword}/{token}`. Tokens and addresses are
never written to the log (addresses only masked).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage

from .masking import mask_address

log = logging.getLogger(__name__)

MAIL_TYPES = ("authorize", "resetpassword", "welcome", "takeout", "preregister")
SMTP_TIMEOUT = 10

_SUBJECTS = {
    "authorize": "Please confirm your registration",
    "resetpassword": "Reset your password",
    "welcome": "Welcome",
    "takeout": "Your data",
    "preregister": "You are pre-registered",
}


class Mailer:
    def __init__(self, smtp: tuple[str, int] | None, public_host: str) -> None:
        self._smtp = smtp
        self.public_host = public_host
        # Mails sent after the answer, kept until done (asyncio holds only weak refs to tasks).
        self._sending: set[asyncio.Task] = set()

    def link(self, action: str, token: str) -> str:
        return f"https://{self.public_host}/{action}/{token}"

    def compose(self, mail_type: str, to: str, text: str) -> EmailMessage:
        if mail_type not in MAIL_TYPES:
            raise ValueError(f"unknown mail type {mail_type!r}")
        message = EmailMessage()
        message["From"] = f"nexx reference <noreply@{self.public_host}>"
        message["To"] = to
        message["Subject"] = _SUBJECTS[mail_type]
        message["X-Nexx-Mail-Type"] = mail_type
        message.set_content(text)
        return message

    async def send(self, mail_type: str, to: str, text: str) -> bool:
        """Send one mail; True when the SMTP server took it. Failures are logged, not raised:
        the call that caused the mail has already succeeded."""
        message = self.compose(mail_type, to, text)
        if self._smtp is None:
            log.info("mail to %s not sent: no --smtp configured", mask_address(to))
            return False
        try:
            await asyncio.to_thread(self._deliver, message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("%s mail to %s failed: %s", mail_type, mask_address(to), type(exc).__name__)
            return False
        return True

    def send_after_answer(self, mail_type: str, to: str, text: str) -> None:
        """Send one mail in the background: the answer goes out first, so its timing does
        not tell whether a mail was sent (requestpass)."""
        task = asyncio.create_task(self.send(mail_type, to, text))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    def _deliver(self, message: EmailMessage) -> None:
        host, port = self._smtp  # type: ignore[misc]
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(message)


def mail_text(mail_type: str, link: str | None = None) -> str:
    """The body of each mail type; the link, where there is one, on a line of its own."""
    texts = {
        "authorize": "Welcome! Please confirm your registration by opening this link:\n\n{link}\n\n"
        "The link works once and expires in 24 hours.",
        "resetpassword": "Someone asked to reset the password of your account. To set a new password, "
        "open this link:\n\n{link}\n\nThe link works once and expires in 1 hour. "
        "If it was not you, ignore this mail; your password stays as it is.",
        "welcome": "Welcome! Your account is ready.",
        "preregister": "Thank you for pre-registering. We will tell you when the platform goes live.",
        "takeout": "We received your request for a copy of your data. It will be prepared and sent to you.",
    }
    return texts[mail_type].format(link=link or "")
