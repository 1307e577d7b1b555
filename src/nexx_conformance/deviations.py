"""Known deviations: failures a team has accepted for a while, with the reason and an end date.

A YAML file the team keeps in its repository (`--deviations FILE`, NEXX_DEVIATIONS):

    deviations:
      - operation: profile                 # the operationId
        check: "additionalProperties at $.result"   # text the failure shows: a check's title,
                                           # a rule, a JSON path, an errorhint
        reason: nexx 3.1.4 sends loyaltyPoints; contract change NEXX-123
        until: 2027-01-31                  # the last day the deviation is accepted

A failure of that operation whose text shows `check` is reported as an expected failure
(xfail) with the reason. A failure "of an operation" is one of its property test, or any
failure whose text names the operation the way the suite's checks name it.
After `until`, the entry matches nothing and fails the run, so nothing is accepted forever;
an entry no failure matched is reported as stale, so the file shrinks when nexx is fixed.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FIELDS = ("operation", "check", "reason", "until")
# schemathesis names a property test after its operation: "...[GET /{domainid}/user/profile]".
TEST_OPERATION = re.compile(r"\[(?:GET|PUT|POST|DELETE|PATCH) (/[^\]\s]+)\]")


class DeviationsError(ValueError):
    """A deviations file the suite cannot use; the message says where and why."""


@dataclass(frozen=True)
class Deviation:
    index: int
    operation: str
    check: str
    reason: str
    until: datetime.date

    def expired(self, today: datetime.date) -> bool:
        return today > self.until

    def label(self) -> str:
        return f"#{self.index + 1} {self.operation} / {self.check!r} (until {self.until})"


def load(path: Path) -> list[Deviation]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DeviationsError(f"cannot read the deviations file {path}: {error}") from None
    entries = data.get("deviations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise DeviationsError(f"{path}: expected a mapping with a list `deviations:`")
    return [parse_entry(entry, index, path) for index, entry in enumerate(entries)]


def parse_entry(entry: Any, index: int, path: Path) -> Deviation:
    where = f"{path}: deviation #{index + 1}"
    if not isinstance(entry, dict):
        raise DeviationsError(f"{where} is not a mapping of {', '.join(FIELDS)}")
    missing = [name for name in FIELDS if not entry.get(name)]
    if missing:
        raise DeviationsError(
            f"{where} lacks {', '.join(missing)} (every entry needs {', '.join(FIELDS)})"
        )
    until = entry["until"]
    if isinstance(until, str):
        try:
            until = datetime.date.fromisoformat(until)
        except ValueError:
            raise DeviationsError(f"{where}: until {until!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(until, datetime.date):
        raise DeviationsError(f"{where}: until must be a date (YYYY-MM-DD)")
    return Deviation(
        index, str(entry["operation"]), str(entry["check"]), str(entry["reason"]), until
    )


def operation_of_test(nodeid: str) -> str | None:
    from nexx_conformance.signing import operation_of

    match = TEST_OPERATION.search(nodeid)
    return operation_of(match.group(1)) if match else None


def names_operation(text: str, operation: str) -> bool:
    # How the failures name an operation: the contract check ("the contract of profile (GET
    # /{domainid}/user/profile)"), and every label of a path ending in the operation.
    return (
        f"the contract of {operation} (" in text
        or re.search(rf"/{{domainid}}/\w+/{re.escape(operation)}\b", text) is not None
    )


class Baseline:
    """The deviations of one run and which of them matched."""

    def __init__(self, entries: list[Deviation], today: datetime.date | None = None) -> None:
        self.entries = entries
        self.today = today or datetime.date.today()
        self.used: set[int] = set()

    def match(self, nodeid: str, failure_text: str) -> Deviation | None:
        """The live deviation that accepts this failure, or None."""
        test_operation = operation_of_test(nodeid)
        for entry in self.entries:
            if entry.expired(self.today) or entry.check not in failure_text:
                continue
            if entry.operation == test_operation or names_operation(failure_text, entry.operation):
                self.used.add(entry.index)
                return entry
        return None

    def expired(self) -> list[Deviation]:
        return [entry for entry in self.entries if entry.expired(self.today)]

    def stale(self) -> list[Deviation]:
        return [
            entry
            for entry in self.entries
            if entry.index not in self.used and not entry.expired(self.today)
        ]

    def summary(self) -> dict[str, Any]:
        def rows(entries: list[Deviation]) -> list[dict[str, Any]]:
            return [{**asdict(entry), "until": entry.until.isoformat()} for entry in entries]

        return {
            "matched": rows([e for e in self.entries if e.index in self.used]),
            "stale": rows(self.stale()),
            "expired": rows(self.expired()),
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.summary(), indent=2) + "\n", encoding="utf-8")
