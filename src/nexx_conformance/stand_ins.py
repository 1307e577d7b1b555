"""The stand-ins a replay hands out where a live run gets a secret by mail, SMS or app.

Mails and SMS are never recorded, and a TOTP secret is scrubbed from its cassette, so in
replay the channel and the authenticators make up the token or code. Each stand-in is new
(per message, per code asked for, across apps and channels of the replay): the cassette
scrubber numbers secrets per value, so two distinct recorded codes must be two distinct
replayed codes, and a code the test reuses on purpose is the same value again.
A stand-in is also unlike what a test makes up as a wrong value (000000, code + 1).
"""

from __future__ import annotations

import itertools
import threading

# n -> (n * MULTIPLIER + OFFSET) mod 10**6 is a bijection (the multiplier is coprime with
# 10), so codes do not repeat before a million, and consecutive ones are far apart; the
# offset keeps made-up codes (000000, 123456, 999999, ...) beyond the first 800,000.
MULTIPLIER = 654_321
OFFSET = 100_001
CODE_SPACE = 10**6


class StandIns:
    """The stand-ins of one replay: the replayed channel and authenticators share one, so a
    code is new across apps and channels (the replay target owns it)."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()  # sinks and steps may ask from different threads

    def _next_number(self) -> int:
        with self._lock:
            return next(self._numbers)

    def code(self) -> str:
        """A 6-digit code no earlier stand-in of this replay had."""
        return f"{(self._next_number() * MULTIPLIER + OFFSET) % CODE_SPACE:06d}"

    def token(self) -> str:
        """A URL-safe mail token (as the contract's [A-Za-z0-9_-]{20,}) no earlier one had."""
        return f"replayed-token-{self._next_number():06d}"
