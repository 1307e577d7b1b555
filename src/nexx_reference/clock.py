"""The reference server's time: every rule that stores a moment or decides what has expired
reads `now()` (sessions, mail tokens, codes, enrolments, AVS transactions, upload URLs,
throttles, the times media lists show).

`now()` is the system's time, unless a test turned the clock forward: `turn_forward` and
`put_back` are a test-only control, so that the suite can show an expired mail token or
upload URL refused without waiting a day for it. They are reached in-process only, by the
suite's in-process target (nexx_conformance.targets.reference) and the server's own tests:
no route, option or environment variable moves the clock, so a server process (the one
the cassettes are recorded against, or a staging system) keeps the real time. The offset
is one per process: the suite runs one bundled server per process.
"""

from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_offset = 0.0


def now() -> float:
    """Seconds since the epoch, as the server's rules see them."""
    return time.time() + _offset


def turn_forward(seconds: float) -> None:
    """Test-only: from now on the server's rules see a time `seconds` later."""
    global _offset
    if seconds < 0:
        raise ValueError(f"the clock only turns forward, not by {seconds} s")
    with _lock:
        _offset += seconds


def put_back() -> None:
    """Test-only: the server's rules see the system's time again."""
    global _offset
    with _lock:
        _offset = 0.0


def turned() -> float:
    """How far the clock is turned forward (0 for the system's time)."""
    return _offset
