"""Single-use, expiring tokens sent by mail (authorize 24 h, resetpassword 1 h).

Only a SHA-256 of each token is stored: a copy of the database does not hand out
working links. Unknown and expired tokens answer 404, used ones 409 (contract:
paths/account.yaml#/authorize, paths/authentication.yaml#/resetpassword).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from http import HTTPStatus

from .. import clock, faults
from ..envelope import ApiError
from . import users
from .single_use import Refusals, still_open

TOKEN_BYTES = 32  # 43 URL-safe characters, within the contract's 20..128
LONG_TOKEN_BYTES = 96  # 128 characters, the contract's maximum (a benign variant)


@dataclass(frozen=True)
class TokenKind:
    """What differs between the kinds of mailed token."""

    lifetime: int  # seconds
    label: str  # how the errorhints name the token

    @property
    def refusals(self) -> Refusals:
        # Unknown and expired alike, as the contract's example hint has it (NotFound).
        unknown = f"unknown or expired {self.label} token"
        return Refusals(unknown, used=f"this {self.label} token was already used", expired=unknown)


KINDS = {
    "authorize": TokenKind(24 * 3600, "authorization"),
    "resetpassword": TokenKind(3600, "password reset"),
}
# The kill matrix's faults that let a used token of each kind work again.
REUSABLE = {"authorize": "authorize-token-reusable", "resetpassword": "reset-token-reusable"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(db: sqlite3.Connection, kind: str, user_id: int) -> str:
    token = secrets.token_urlsafe(
        LONG_TOKEN_BYTES if faults.active("long-identifiers") else TOKEN_BYTES
    )
    db.execute(
        "INSERT INTO mail_tokens (token_hash, kind, user_id, expires) VALUES (?, ?, ?, ?)",
        (_digest(token), kind, user_id, clock.now() + KINDS[kind].lifetime),
    )
    return token


def redeem(db: sqlite3.Connection, kind: str, token: str, domain: int) -> int:
    """Use the token once and return its user; 404 unknown, expired or a token of another
    domain's user, 409 used."""
    refusals = KINDS[kind].refusals
    row = db.execute(
        "SELECT user_id, expires, used FROM mail_tokens WHERE token_hash = ? AND kind = ?",
        (_digest(token), kind),
    ).fetchone()
    row = still_open(row, used_column="used", refusals=refusals)
    if users.by_id(db, domain, row["user_id"]) is None:
        # A token of another domain's user: as unknown as any other.
        raise ApiError(HTTPStatus.NOT_FOUND, refusals.unknown)
    if not faults.active(REUSABLE[kind]):
        db.execute(
            "UPDATE mail_tokens SET used = ? WHERE token_hash = ?", (clock.now(), _digest(token))
        )
    return row["user_id"]
