"""One way to watch every request the run sends: wrap `requests.Session.send` (schemathesis)
and `httpx.Client.send` (the suite's client) while installed.

Both are the libraries' public methods, replaced on the class and put back on uninstall;
the contract coverage (coverage.SendRecorder) and the drift report (drift.AnswerRecorder)
build on it.
"""

from __future__ import annotations

from collections.abc import Callable


class SendPatch:
    """Replaces `send` methods and remembers the originals, last wrapped first restored."""

    def __init__(self) -> None:
        self._originals: list[tuple[type, Callable]] = []

    def uninstall(self) -> None:
        for owner, original in reversed(self._originals):
            owner.send = original
        self._originals.clear()

    def _wrap(self, owner: type, make: Callable[[Callable], Callable]) -> None:
        original = owner.send
        self._originals.append((owner, original))
        owner.send = make(original)
