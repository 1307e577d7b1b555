"""Replay audit: every request a test makes is in its cassette, every recorded one is played.

vcrpy (record mode `none`) already refuses a request its cassette does not hold; the audit
makes that proof explicit and adds the converse. A test that passed but left a recorded
interaction unplayed no longer makes a request it made when recorded: its cassette is stale
or the test stopped exercising part of the flow, and a replay that skips requests proves less
than the recording did. Both kinds are named with the first offending request (method and
URL, secrets masked) and counted for one summary line at the end of the run.

Unmatched requests are noted where vcrpy decides them (patches.note_unmatched), so one that the code under test catches and swallows is still
counted and still fails its test.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

from nexx_conformance.masking import mask_text, mask_uri
from nexx_conformance.patches import note_unmatched

RECORD_AGAIN = (
    "record it again with --record-mode=rewrite against --target reference or a "
    "URL (scripts/record-cassettes does that against a reference server process)"
)
# The matcher's explanation of a mismatch is useful, a full form dump is not.
MAX_DIFFERENCE = 240


def masked_request(request, secrets: Iterable[str] = ()) -> str:
    """`METHOD URL` of a vcrpy request, one-time tokens, secret fields and known secrets masked."""
    return f"{request.method} {mask_text(mask_uri(request.uri), secrets)}"


def shown_path(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path


@dataclass
class Tally:
    """What the run's cassettes did, summed over tests (and over xdist workers)."""

    cassettes: int = 0
    replayed: int = 0
    unmatched: int = 0
    unplayed: int = 0
    written: int = 0

    def add(self, other: Tally) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, counts: dict) -> Tally:
        return cls(**{field.name: int(counts.get(field.name, 0)) for field in fields(cls)})


def summary_line(tally: Tally, *, recording: bool) -> str:
    if recording:
        return (
            f"nexx record: {tally.cassettes:,} cassettes, {tally.written:,} interactions "
            f"written, {tally.replayed:,} replayed, {tally.unmatched:,} refused"
        )
    return (
        f"nexx replay: {tally.cassettes:,} cassettes, {tally.replayed:,} requests replayed, "
        f"{tally.unmatched:,} unmatched, {tally.unplayed:,} unplayed"
    )


class CassetteWatch:
    """One test's cassette: what it held when the test started, what the test asked of it."""

    def __init__(self, cassette, secrets: Iterable[str] = ()) -> None:
        self.cassette = cassette
        self.secrets = [secret for secret in secrets if secret]
        # Taken before the test's first request: the interactions the cassette brought along.
        self.loaded = len(cassette)
        self.unmatched: list = []
        note_unmatched(cassette, self.unmatched.append)

    def unplayed(self) -> list:
        played = self.cassette.play_counts
        return [
            request
            for index, request in enumerate(self.cassette.requests[: self.loaded])
            if not played[index]
        ]

    def written(self) -> int:
        return 0 if self.cassette.write_protected else len(self.cassette) - self.loaded

    def tally(self, *, test_completed: bool) -> Tally:
        # An unfinished test (failed, skipped) naturally leaves the rest of its cassette unplayed.
        unplayed = len(self.unplayed()) if test_completed else 0
        return Tally(
            cassettes=1,
            replayed=self.cassette.play_count,
            unmatched=len(self.unmatched),
            unplayed=unplayed,
            written=self.written(),
        )

    def problem(self, *, test_completed: bool) -> str | None:
        """Why a test that completed must fail after all, or None."""
        if not test_completed:
            return None
        if self.unmatched:
            return (
                f"nexx replay: {len(self.unmatched)} request(s) not in the cassette, the first "
                f"{masked_request(self.unmatched[0], self.secrets)}; the test went on without "
                f"its answer. Cassette {shown_path(self.cassette.path)}: {RECORD_AGAIN}."
            )
        unplayed = self.unplayed()
        if unplayed:
            return (
                f"nexx replay: {len(unplayed)} of {self.loaded} recorded interaction(s) were "
                f"never played, the first {masked_request(unplayed[0], self.secrets)}. The "
                f"test no longer makes a request it made when recorded. Cassette "
                f"{shown_path(self.cassette.path)}: {RECORD_AGAIN}, or find why the test "
                f"stopped early."
            )
        return None


def unmatched_message(error, secrets: Iterable[str] = ()) -> str:
    """A short account of vcrpy's CannotOverwriteExistingCassetteException."""
    cassette, request = error.cassette, getattr(error, "failed_request", None)
    secrets = [secret for secret in secrets if secret]
    where = f"cassette {shown_path(cassette.path)}"
    if request is None:  # MissingMetadataError: no request involved
        return f"nexx replay: {where} lacks data the test needs: {RECORD_AGAIN}."
    reason = getattr(error, "reason", None)
    if reason == "cassette_not_found":
        why = "the cassette does not exist"
    elif reason == "already_played":
        why = "it was recorded, but fewer times than the test now sends it"
    elif reason == "no_match":
        _closest, _matched, failed = error.similar_requests[0]
        differences = "; ".join(f"{name}: {difference}" for name, difference in failed)
        differences = mask_text(" ".join(differences.split()), secrets)
        if len(differences) > MAX_DIFFERENCE:
            differences = differences[:MAX_DIFFERENCE] + "..."
        why = f"the closest recorded request differs in {differences}"
    else:
        why = "nothing similar was recorded"
    return (
        f"nexx replay: {masked_request(request, secrets)} is not in the {where} ({why}); "
        f"{RECORD_AGAIN}."
    )
