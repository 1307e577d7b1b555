"""The channel used when replaying cassettes: mail and SMS cannot arrive, so placeholders do.

Decision: the contents of mails and SMS are never recorded (they are secrets: tokens and
codes). The cassette matchers normalize every token and code in requests (path tokens,
`code=` fields) on both sides, and the recorded responses do not depend on their value,
so in replay a fixed placeholder stands in for the token or code the mail or SMS carried.
"""

from __future__ import annotations

from nexx_conformance.channels import Message

PLACEHOLDER_TOKEN = "replayed-placeholder-token"
PLACEHOLDER_CODE = "000000"


class ReplayedChannel:
    """Answers every `wait_for` at once with a message holding placeholder token and code."""

    def wait_for(self, recipient: str, kind: str | None = None, timeout: float = 10.0) -> Message:
        text = f"https://replay.invalid/authorize/{PLACEHOLDER_TOKEN} Your code is {PLACEHOLDER_CODE}"
        return Message(recipient=recipient, kind=kind or "", text=text)

    def close(self) -> None:
        pass
