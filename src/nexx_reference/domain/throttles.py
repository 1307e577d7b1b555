"""Throttles: how many attempts an operation takes per subject before it answers 429.

Each limit is the one the operation's 429 response states in the contract (and its
`x-nexx-throttle`). A window opens with the first counted attempt and lasts `window`
seconds; once `attempts` were counted in it, the operation answers 429 with Retry-After
= the seconds left in the window, whatever the credentials. The limits are generous on
purpose: they slow guessing and mail or SMS flooding, not a person who mistypes.

What is counted, and per what subject:
  login           failed logins per login name (lower-cased), known or not, so an unknown
                  name is throttled like a known one; a successful login clears the count
  verifypassword  wrong passwords per user; a match clears the count
  requestpass     requests per given user information (lower-cased), found or not
  requestkeycode  SMS codes sent per user
  authorizelogin  wrong U2F assertions per user
(Wrong device codes of /user/authorizedevice have their own count: second_factor.py.)
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from http import HTTPStatus

from .. import clock
from ..envelope import ApiError


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: int  # seconds
    counted: str  # what the errorhint says was too many


LIMITS = {
    "login": Limit(20, 15 * 60, "failed logins for this name"),
    "verifypassword": Limit(20, 15 * 60, "wrong passwords"),
    "requestpass": Limit(10, 60 * 60, "password reset requests for this account information"),
    "requestkeycode": Limit(10, 60 * 60, "SMS codes requested"),
    "authorizelogin": Limit(10, 15 * 60, "wrong U2F assertions"),
}


def ensure_allowed(db: sqlite3.Connection, scope: str, subject: str | int) -> None:
    """429 with Retry-After while `subject` has used up its attempts in the current window."""
    limit = LIMITS[scope]
    row = db.execute(
        "SELECT attempts, window_ends FROM throttles WHERE scope = ? AND subject = ?",
        (scope, str(subject)),
    ).fetchone()
    wait = row["window_ends"] - clock.now() if row else 0
    if wait > 0 and row["attempts"] >= limit.attempts:
        seconds = max(1, math.ceil(wait))
        raise ApiError(
            HTTPStatus.TOO_MANY_REQUESTS,
            f"too many {limit.counted} ({limit.attempts} in {limit.window // 60} minutes); "
            f"try again in {seconds} seconds",
            headers={"Retry-After": str(seconds)},
        )


def count(db: sqlite3.Connection, scope: str, subject: str | int) -> None:
    """Count one attempt; the first one after a window ended opens a new window."""
    now = clock.now()
    db.execute(
        "INSERT INTO throttles (scope, subject, attempts, window_ends) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (scope, subject) DO UPDATE SET"
        " attempts = CASE WHEN window_ends > ? THEN attempts + 1 ELSE 1 END,"
        " window_ends = CASE WHEN window_ends > ? THEN window_ends ELSE excluded.window_ends END",
        (scope, str(subject), now + LIMITS[scope].window, now, now),
    )


def clear(db: sqlite3.Connection, scope: str, subject: str | int) -> None:
    db.execute("DELETE FROM throttles WHERE scope = ? AND subject = ?", (scope, str(subject)))


def name_key(value: str) -> str:
    """A login name or account information as counted: case does not make a new subject."""
    return value.strip().lower()
