"""Single-use, expiring tokens sent by mail (authorize 24 h, resetpassword 1 h).

Only a SHA-256 of each token is stored: a copy of the database does not hand out
working links. Unknown and expired tokens answer 404, used ones 409 (contract:
paths/account.yaml#/authorize, paths/authentication.yaml#/resetpassword).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time

from .. import faults
from .single_use import still_open

LIFETIMES = {"authorize": 24 * 3600, "resetpassword": 3600}
TOKEN_BYTES = 32  # 43 URL-safe characters, within the contract's 20..128
LONG_TOKEN_BYTES = 96  # 128 characters, the contract's maximum (a benign variant)
REUSABLE = {"authorize": "authorize-token-reusable", "resetpassword": "reset-token-reusable"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(db: sqlite3.Connection, kind: str, user_id: int) -> str:
    token = secrets.token_urlsafe(
        LONG_TOKEN_BYTES if faults.active("long-identifiers") else TOKEN_BYTES
    )
    db.execute(
        "INSERT INTO mail_tokens (token_hash, kind, user_id, expires) VALUES (?, ?, ?, ?)",
        (_digest(token), kind, user_id, time.time() + LIFETIMES[kind]),
    )
    return token


def redeem(db: sqlite3.Connection, kind: str, token: str) -> int:
    """Use the token once and return its user; 404 unknown or expired, 409 used."""
    row = db.execute(
        "SELECT user_id, expires, used FROM mail_tokens WHERE token_hash = ? AND kind = ?",
        (_digest(token), kind),
    ).fetchone()
    label = "authorization" if kind == "authorize" else "password reset"
    row = still_open(
        row,
        used_column="used",
        unknown=f"unknown or expired {label} token",
        used=f"this {label} token was already used",
        expired=f"unknown or expired {label} token",
    )
    if not faults.active(REUSABLE[kind]):
        db.execute(
            "UPDATE mail_tokens SET used = ? WHERE token_hash = ?", (time.time(), _digest(token))
        )
    return row["user_id"]
