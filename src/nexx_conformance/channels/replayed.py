"""The channel used when replaying cassettes: mail and SMS cannot arrive, so stand-ins do.

Decision: the contents of mails and SMS are never recorded (they are secrets: tokens and
codes). The cassette scrubber stores every token and code a test sends as a per-value
placeholder, numbered in the order the test sent them, so in replay each message carries
a token and a code of its own (nexx_conformance.stand_ins): distinct messages of the
recording stay distinct, and a token the test reuses is the same placeholder again.
"""

from __future__ import annotations

from nexx_conformance.channels import Message
from nexx_conformance.stand_ins import StandIns


class ReplayedChannel:
    """Answers every `wait_for` at once with a message holding a new token and a new code."""

    def __init__(self, stand_ins: StandIns) -> None:
        self.stand_ins = stand_ins

    def wait_for(self, recipient: str, kind: str | None = None, timeout: float = 10.0) -> Message:
        text = f"https://replay.invalid/authorize/{self.stand_ins.token()} Your code is {self.stand_ins.code()}"
        return Message(recipient=recipient, kind=kind or "", text=text)

    def close(self) -> None:
        pass
