"""Single-use records that expire: mail tokens, authenticator enrolments, AVS transactions.

They answer alike (contract): 404 unknown, 409 used already, 404 expired. A used record
answers 409 even after it expired: the client learns it was used, not that it came late.
No tables of its own; each area keeps its record with an `expires` column (epoch seconds).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from http import HTTPStatus

from .. import clock
from ..envelope import ApiError


@dataclass(frozen=True)
class Refusals:
    """The errorhints of a record that cannot be used: unknown, used already, expired."""

    unknown: str
    used: str
    expired: str

    @classmethod
    def of_process(cls, process: str) -> Refusals:
        """For a process the client starts and finishes, named in each hint ("AVS transaction 7")."""
        return cls(
            unknown=f"unknown {process}",
            used=f"{process} is finished already",
            expired=f"{process} expired; start a new one",
        )


def has_expired(expires: float) -> bool:
    return expires < clock.now()


def still_open(row: sqlite3.Row | None, *, used_column: str, refusals: Refusals) -> sqlite3.Row:
    """The record if it can still be used; else ApiError with the hint for its state."""
    if row is None:
        raise ApiError(HTTPStatus.NOT_FOUND, refusals.unknown)
    if row[used_column] is not None:
        raise ApiError(HTTPStatus.CONFLICT, refusals.used)
    if has_expired(row["expires"]):
        raise ApiError(HTTPStatus.NOT_FOUND, refusals.expired)
    return row
