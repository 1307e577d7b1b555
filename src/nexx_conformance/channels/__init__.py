"""Out-of-band channels: one module per channel, all behind the same small interface.

A channel answers `wait_for(recipient, kind, timeout) -> Message`: the oldest message
not yet taken for that recipient (and kind, when given), waiting up to `timeout` seconds.
A staging setup swaps the adapter (SMTP sink, Mailpit, SMS webhook), never the tests.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

# Mail links carry https://{host}/authorize/{token} or .../resetpassword/{token}.
TOKEN_LINK = re.compile(r"/(?:authorize|resetpassword)/([A-Za-z0-9_-]{20,})")
SMS_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@dataclass(frozen=True)
class Message:
    """One mail or SMS as the suite received it."""

    recipient: str
    kind: str
    text: str = field(repr=False)

    @property
    def token(self) -> str | None:
        match = TOKEN_LINK.search(self.text)
        return match.group(1) if match else None

    @property
    def code(self) -> str | None:
        match = SMS_CODE.search(self.text)
        return match.group(1) if match else None


class NoMessage(AssertionError):
    """The expected mail or SMS did not arrive in time."""


class Channel(Protocol):
    def wait_for(
        self, recipient: str, kind: str | None = None, timeout: float = 10.0
    ) -> Message: ...

    def close(self) -> None: ...


class Inbox:
    """Thread-safe store the sinks deliver into and `wait_for` takes from."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._messages: list[Message] = []
        self._arrived = threading.Condition()

    def deliver(self, message: Message) -> None:
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()

    def wait_for(self, recipient: str, kind: str | None = None, timeout: float = 10.0) -> Message:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for message in self._messages:
                    if same_recipient(message.recipient, recipient) and kind in (
                        None,
                        message.kind,
                    ):
                        self._messages.remove(message)
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise NoMessage(
                        f"no {kind or 'message'} for {recipient} arrived in the {self.name} "
                        f"within {timeout:g}s"
                    )
                self._arrived.wait(left)


def same_recipient(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()
