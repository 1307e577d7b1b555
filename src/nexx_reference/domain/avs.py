"""Age verification (AVS): a transaction per attempt; a verified one sets the age class.

The reference server has no AVS provider: /prepareavsupdate opens the transaction and
names a provider URL, /finishavsupdate reports the provider's result. The user's age
class is the highest one of their verified transactions (0 without one), so a later
verification of a lower class never lowers it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from .. import clock, faults
from ..envelope import ApiError
from .single_use import Refusals, still_open

TRANSACTION_LIFETIME = 30 * 60
VERIFIED, REJECTED = "verified", "rejected"


def ageclass(db: sqlite3.Connection, user_id: int) -> int:
    row = db.execute(
        "SELECT MAX(ageclass) FROM avs_transactions WHERE user_id = ? AND status = ?",
        (user_id, VERIFIED),
    ).fetchone()
    return int(row[0] or 0)


def prepare(
    db: sqlite3.Connection, user_id: int, provider: str, wanted: int, public_host: str
) -> dict[str, Any]:
    if ageclass(db, user_id) >= wanted:
        raise ApiError(HTTPStatus.CONFLICT, f"the user's age class is {wanted} or higher already")
    expires = clock.now() + TRANSACTION_LIFETIME
    cursor = db.execute(
        "INSERT INTO avs_transactions (user_id, provider, ageclass, expires) VALUES (?, ?, ?, ?)",
        (user_id, provider, wanted, expires),
    )
    transaction = int(cursor.lastrowid)
    return {
        "transaction": transaction,
        "provider": provider,
        "ageclass": wanted,
        "url": f"https://{public_host}/avs/{provider}/{transaction}",
        "expires": int(expires),
    }


def finish(
    db: sqlite3.Connection, domain: int, user_id: int, transaction: int, passed: bool
) -> dict[str, Any]:
    """Close the transaction; 404 unknown (or another domain's) or expired, 403 another user's, 409 finished."""
    row = db.execute(
        "SELECT avs_transactions.* FROM avs_transactions JOIN users ON users.id = avs_transactions.user_id"
        " WHERE avs_transactions.id = ? AND users.domain = ?",
        (transaction, domain),
    ).fetchone()
    if (
        row is not None
        and row["user_id"] != user_id
        and not faults.active("avs-other-users-transaction")
    ):
        raise ApiError(
            HTTPStatus.FORBIDDEN, f"AVS transaction {transaction} belongs to another user"
        )
    still_open(
        row, used_column="status", refusals=Refusals.of_process(f"AVS transaction {transaction}")
    )
    status = VERIFIED if passed or faults.active("avs-result-ignored") else REJECTED
    db.execute("UPDATE avs_transactions SET status = ? WHERE id = ?", (status, transaction))
    return {"transaction": transaction, "status": status, "ageclass": ageclass(db, user_id)}


def profile_fields(
    db: sqlite3.Connection, user_id: int, params: Mapping[str, Any]
) -> dict[str, Any]:
    return {"ageclass": ageclass(db, user_id)}
