"""Passwords: their reset by a mailed token, their change, and storing a new hash.

A reset is requested with the user's login name, email or phone (`requestpass`): the request
is counted per given value whether an account matched or not, so neither the answer nor the
throttle reveals whether one exists; only an authorized account with an email gets the mail.
A new hash is stored for a redeemed reset token, and on a change only if the stored one is
still the hash the current password was checked against (compare-and-set).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .. import faults
from . import mail_tokens, throttles, users

REQUESTPASS = "requestpass"
RESET = "resetpassword"


@dataclass(frozen=True)
class ResetMail:
    """The reset mail a request earned: to whom, with which token."""

    to: str
    token: str


def request_reset(db: sqlite3.Connection, domain: int, given: str) -> ResetMail | None:
    """Counts the request (429 past the limit) and issues a reset token for the account
    `given` names, when it is authorized and has an email; None otherwise."""
    # Counted whether an account matched or not, so the throttle reveals nothing either.
    throttles.ensure_allowed(db, REQUESTPASS, throttles.name_key(given))
    throttles.count(db, REQUESTPASS, throttles.name_key(given))
    user = users.by_login_name(db, domain, given) or users.by_phone(db, domain, given)
    if user is None or not user["authorized"] or not user["email"]:
        return None
    return ResetMail(user["email"], mail_tokens.issue(db, RESET, user["id"]))


def reset(db: sqlite3.Connection, domain: int, token: str, new_hash: str) -> int:
    """Redeems a reset token (404 when it is unknown, used or expired) and stores the new
    password's hash; returns the user's id."""
    user_id = mail_tokens.redeem(db, RESET, token, domain)
    users.set_password_hash(db, user_id, new_hash)
    return user_id


def change(db: sqlite3.Connection, user_id: int, checked: str | None, new_hash: str) -> bool:
    """Stores the new hash if the user's hash is still `checked` (the one the current password
    was verified against); False when it changed in between."""
    if faults.active("password-change-not-persisted"):
        return True
    return users.set_password_hash(db, user_id, new_hash, only_over=checked)
