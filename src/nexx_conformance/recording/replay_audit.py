"""Replay audit: every request a test makes is in its cassette, every recorded one is played.

vcrpy (record mode `none`) already refuses a request its cassette does not hold; the audit
makes that proof explicit and adds the converse. A test that passed but left a recorded
interaction unplayed no longer makes a request it made when recorded: its cassette is stale
or the test stopped exercising part of the flow, and a replay that skips requests proves less
than the recording did. Both kinds are named with the first offending request (method, URL
and session, secrets masked) and counted for one summary line at the end of the run,
whatever the test's outcome: a failed test's unplayed interactions count too.

A test that failed in replay while its cassette refused a request or kept one unplayed most
probably failed because the cassette is stale (the test changed since it was recorded, or
the server): the audit says so, with the command that records that test's cassette again.
A test that fails where its recording failed leaves nothing unplayed, and is not blamed.

Unmatched requests are noted where vcrpy decides them (patches.note_unmatched), so one that the code under test catches and swallows is still
counted and still fails its test.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

from nexx_conformance.masking import SESSION_HEADER, is_placeholder, mask_text, mask_uri
from nexx_conformance.patches import note_unmatched

RECORD_SCRIPT = "scripts/record-cassettes"
RECORD_ALL = "uv run tox -e record"
# The matcher's explanation of a mismatch is useful, a full form dump is not.
MAX_DIFFERENCE = 240
# How a test ended, as the audit tells them apart.
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"

# The cassette scrubber's before_record_request: a request as its cassette stores it.
Scrub = Callable[[object], object]


def record_command(nodeids: Iterable[str]) -> str:
    """The command that records the cassettes of these tests (against a reference server
    process), and the one for the whole suite."""
    named = " ".join(shlex.quote(nodeid) for nodeid in nodeids if nodeid) or "<test>"
    return f"{RECORD_SCRIPT} {named} (the whole suite: {RECORD_ALL})"


def record_again(nodeids: Iterable[str]) -> str:
    return f"record it again: {record_command(nodeids)}"


def masked_request(request, secrets: Iterable[str] = (), scrub: Scrub | None = None) -> str:
    """`METHOD URL (session ***cid-N***)` of a vcrpy request, one-time tokens, secret fields
    and known secrets masked; the session as its cassette numbers it (when `scrub` says)."""
    shown = f"{request.method} {mask_text(mask_uri(request.uri), secrets)}"
    stored = scrub(request) if scrub is not None else request
    session = stored.headers.get(SESSION_HEADER) if stored is not None else None
    if session is not None and is_placeholder(str(session)):
        shown += f" (session {session})"
    return shown


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
    # The tests whose cassette refused a request or kept one unplayed: probably stale.
    stale: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for each in fields(self):
            setattr(self, each.name, getattr(self, each.name) + getattr(other, each.name))

    def as_dict(self) -> dict:
        return {each.name: getattr(self, each.name) for each in fields(self)}

    @classmethod
    def from_dict(cls, counts: dict) -> Tally:
        return cls(
            **{
                each.name: list(counts.get(each.name, []))
                if each.name == "stale"
                else int(counts.get(each.name, 0))
                for each in fields(cls)
            }
        )


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


def stale_line(tally: Tally) -> str | None:
    """The line after the summary that names the probably stale cassettes, or None."""
    if not tally.stale:
        return None
    return (
        f"nexx replay: the cassettes of {len(tally.stale)} test(s) are probably stale (a "
        f"request not in them, or one recorded and not played); {record_again(tally.stale)}"
    )


class CassetteWatch:
    """One test's cassette: what it held when the test started, what the test asked of it."""

    def __init__(
        self,
        cassette,
        secrets: Iterable[str] = (),
        *,
        scrub: Scrub | None = None,
        nodeid: str = "",
    ) -> None:
        self.cassette = cassette
        self.secrets = [secret for secret in secrets if secret]
        self.scrub = scrub
        self.nodeid = nodeid
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

    def shown(self, request) -> str:
        return masked_request(request, self.secrets, self.scrub)

    def tally(self) -> Tally:
        unmatched, unplayed = len(self.unmatched), len(self.unplayed())
        return Tally(
            cassettes=1,
            replayed=self.cassette.play_count,
            unmatched=unmatched,
            unplayed=unplayed,
            written=self.written(),
            stale=[self.nodeid] if unmatched or unplayed else [],
        )

    def problem(self, outcome: str) -> str | None:
        """Why a test must fail after all (it passed), or what its failure most probably
        comes from (it failed); None for a skipped test or a cassette played as recorded."""
        if outcome == PASSED:
            return self._passed_problem()
        if outcome == FAILED:
            return self._stale_failure()
        return None

    def _where(self) -> str:
        return f"Cassette {shown_path(self.cassette.path)}: {record_again([self.nodeid])}"

    def _passed_problem(self) -> str | None:
        if self.unmatched:
            return (
                f"nexx replay: {len(self.unmatched)} request(s) not in the cassette, the first "
                f"{self.shown(self.unmatched[0])}; the test went on without its answer. "
                f"{self._where()}."
            )
        unplayed = self.unplayed()
        if unplayed:
            return (
                f"nexx replay: {len(unplayed)} of {self.loaded} recorded interaction(s) were "
                f"never played, the first {self.shown(unplayed[0])}. The test no longer makes "
                f"a request it made when recorded. {self._where()}, or find why the test "
                f"stopped early."
            )
        return None

    def _stale_failure(self) -> str | None:
        unplayed = self.unplayed()
        if not self.unmatched and not unplayed:
            return None  # played as recorded: the failure is the recording's too
        found = []
        if self.unmatched:
            found.append(
                f"{len(self.unmatched)} request(s) not in the cassette (the first "
                f"{self.shown(self.unmatched[0])})"
            )
        if unplayed:
            found.append(
                f"{len(unplayed)} of {self.loaded} recorded interaction(s) never played (the "
                f"first {self.shown(unplayed[0])})"
            )
        return (
            f"nexx replay: the test's failure coincides with {' and '.join(found)}: the "
            f"cassette is probably stale, and the failure may be the replay's, not the "
            f"target's. {self._where()}."
        )


def unmatched_message(
    error, secrets: Iterable[str] = (), *, scrub: Scrub | None = None, nodeid: str = ""
) -> str:
    """A short account of vcrpy's CannotOverwriteExistingCassetteException."""
    cassette, request = error.cassette, getattr(error, "failed_request", None)
    secrets = [secret for secret in secrets if secret]
    where = f"cassette {shown_path(cassette.path)}"
    again = record_again([nodeid])
    if request is None:  # MissingMetadataError: no request involved
        return f"nexx replay: {where} lacks data the test needs: {again}."
    reason = getattr(error, "reason", None)
    if reason == "cassette_not_found":
        return (
            f"nexx replay: {masked_request(request, secrets, scrub)} is not in the {where} "
            f"(the cassette does not exist): record it: {record_command([nodeid])}."
        )
    if reason == "already_played":
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
        f"nexx replay: {masked_request(request, secrets, scrub)} is not in the {where} "
        f"({why}); the cassette is probably stale: {again}."
    )
