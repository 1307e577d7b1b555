"""Authenticator apps (TOTP, RFC 6238): enrolment by prepare/finish, codes for held logins.

The secret is shown once, by /prepareregisterauthenticator; no later answer carries it.
A code is accepted for its 30 second step and one step either side, and a step is
accepted at most once per user (RFC 6238 5.2): the last accepted step is stored, and a
code of that step or an earlier one is refused, so an observed code cannot be replayed.
"""

from __future__ import annotations

import hmac
import sqlite3
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import pyotp

from .. import clock, faults
from ..envelope import ApiError
from .single_use import Refusals, still_open

ISSUER = "nexx"
DIGITS = 6
PERIOD = 30
VALID_WINDOW = 1  # steps either side of the current one (clock drift, typing time)
ENROLMENT_LIFETIME = 10 * 60


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD)


def matching_step(secret: str, code: str, after_step: int | None) -> int | None:
    """The time step within the window whose code is `code` and which is later than
    `after_step`, or None. Every candidate is compared, in constant time each."""
    now_step = int(clock.now()) // PERIOD
    found = None
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(_totp(secret).generate_otp(step), code):
            found = step
    return found


def otpauth_uri(account: str, secret: str) -> str:
    # The order of the query is the contract's (AuthenticatorEnrolment.uri).
    return (
        f"otpauth://totp/{ISSUER}:{quote(account, safe='')}"
        f"?secret={secret}&issuer={ISSUER}&digits={DIGITS}&period={PERIOD}"
    )


def account_label(user: sqlite3.Row) -> str:
    """What the app lists the entry as: the username, else the email, else the user id."""
    return user["username"] or user["email"] or f"user{user['id']}"


def prepare(db: sqlite3.Connection, user: sqlite3.Row) -> dict[str, Any]:
    secret = pyotp.random_base32()
    cursor = db.execute(
        "INSERT INTO authenticator_enrolments (user_id, secret, expires) VALUES (?, ?, ?)",
        (user["id"], secret, clock.now() + ENROLMENT_LIFETIME),
    )
    return {
        "process": int(cursor.lastrowid),
        "secret": secret,
        "uri": otpauth_uri(account_label(user), secret),
    }


def finish(db: sqlite3.Connection, user_id: int, process: int, code: str | None) -> bool:
    """Enrol the process's secret as the user's authenticator (replacing an earlier one).

    True when a code proved the app was set up. 404 unknown, expired or foreign process,
    409 finished already, 403 wrong code (the process stays open).
    """
    row = db.execute(
        "SELECT secret, expires, finished FROM authenticator_enrolments WHERE id = ? AND user_id = ?",
        (process, user_id),
    ).fetchone()
    refusals = Refusals.of_process(f"authenticator enrolment process {process}")
    row = still_open(row, used_column="finished", refusals=refusals)
    step = None
    if code is not None:
        step = matching_step(row["secret"], code, None)
        if step is None:
            raise ApiError(
                HTTPStatus.FORBIDDEN,
                "the code does not match the process's secret; check the app's clock",
            )
    now = clock.now()
    db.execute("UPDATE authenticator_enrolments SET finished = ? WHERE id = ?", (now, process))
    # The enrolment code's step counts as used: it cannot also finish a held login.
    db.execute(
        "INSERT INTO authenticators (user_id, secret, last_step, enrolled) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = excluded.last_step,"
        " enrolled = excluded.enrolled",
        (user_id, row["secret"], step, now),
    )
    return step is not None


def is_enrolled(db: sqlite3.Connection, user_id: int) -> bool:
    return (
        db.execute("SELECT 1 FROM authenticators WHERE user_id = ?", (user_id,)).fetchone()
        is not None
    )


def accept_code(db: sqlite3.Connection, user_id: int, code: str) -> bool:
    """True, and the step used up, when `code` is a current, unused code of the user's app."""
    row = db.execute(
        "SELECT secret, last_step FROM authenticators WHERE user_id = ?", (user_id,)
    ).fetchone()
    if row is None:
        return False
    if faults.active("wrong-totp-code-accepted") and len(code) == DIGITS and code.isdigit():
        return True
    last_step = None if faults.active("totp-replay-accepted") else row["last_step"]
    step = matching_step(row["secret"], code, last_step)
    if step is None:
        return False
    db.execute("UPDATE authenticators SET last_step = ? WHERE user_id = ?", (step, user_id))
    return True


def profile_fields(
    db: sqlite3.Connection, user_id: int, params: Mapping[str, Any]
) -> dict[str, Any]:
    return {"twofactor": {"app": int(is_enrolled(db, user_id))}}
