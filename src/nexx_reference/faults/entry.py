"""One fault or variant: its name, kind, what it does and what is expected to catch it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .exchange import Exchange

# The kinds of issue 9, in the order the kill matrix lists them.
KINDS = {
    "schema-drift": "response schema drift",
    "status": "wrong status codes",
    "envelope": "envelope",
    "auth": "authentication",
    "tokens": "tokens and codes",
    "state": "state",
    "filters": "filters ignored",
    "leak": "data leaks",
    "uploads-avs": "uploads and AVS",
    "benign": "benign variant",
}
# The property-based tests (tests/conformance) are expected to catch it.
CONFORMANCE = "conformance"


def flow(flow_id: str) -> str:
    """The scenario flow expected to catch it (an id of nexx_conformance.constants.FLOWS)."""
    return f"flow:{flow_id}"


Rewrite = Callable[[Exchange], None]


@dataclass(frozen=True)
class Entry:
    """A named fault or benign variant.

    `rewrite` changes each HTTP exchange on its way out; without it the entry is a switch
    that a domain rule consults with `faults.active(name)`.
    """

    name: str
    kind: str
    description: str
    killer: str  # CONFORMANCE or flow(...): who owns the rule it breaks
    rewrite: Rewrite | None = None
    # A variant that breaks rules the contract only guessed, as a real system may: the suite
    # with a URL target's defaults must pass it (warning of those rules), the strict suite
    # (--guessed-rules=fail) must fail naming guessed rules only.
    breaks_guesses: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind {self.kind!r} is not one of {', '.join(KINDS)}")

    @property
    def mechanism(self) -> str:
        return "rewrite" if self.rewrite else "switch"
