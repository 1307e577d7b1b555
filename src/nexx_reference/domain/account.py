"""The logged-in user's own account: details, status, subscriptions, push, takeout, removal."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from .. import clock, faults
from . import registration, users

# updatedata may change the details and the email; never username, password or status.
UPDATABLE_FIELDS = ("email", *users.DETAIL_FIELDS)


def update_details(
    db: sqlite3.Connection, domain: int, user_id: int, params: Mapping[str, Any]
) -> None:
    if faults.active("updatedata-not-persisted"):
        return
    changes = {name: params[name] for name in UPDATABLE_FIELDS if name in params}
    if "email" in changes and faults.active("updatedata-changes-username"):
        local = re.sub(r"[^A-Za-z0-9_.-]", "_", changes["email"].split("@")[0])
        changes["username"] = f"{local[:20]}_{user_id}"
    if "connectedForm" in params:
        changes["connectedform"] = params["connectedForm"]
    if "email" in changes:
        registration.ensure_unique(db, domain, None, changes["email"], except_user=user_id)
    if changes:
        # Column names come from UPDATABLE_FIELDS, never from the request; values are bound.
        assignments = ", ".join(f"{name} = ?" for name in changes)
        db.execute(f"UPDATE users SET {assignments} WHERE id = ?", (*changes.values(), user_id))


def update_status(db: sqlite3.Connection, user_id: int, status: str) -> None:
    db.execute("UPDATE users SET status = ? WHERE id = ?", (status, user_id))


def subscribe_channel(
    db: sqlite3.Connection, user_id: int, channel: int, viamail: int, viapush: int
) -> dict[str, int]:
    """Store one channel's preferences; both flags 0 removes the subscription."""
    if viamail or viapush:
        db.execute(
            "INSERT INTO channel_subscriptions (user_id, channel, viamail, viapush) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, channel) DO UPDATE SET viamail = excluded.viamail, viapush = excluded.viapush",
            (user_id, channel, viamail, viapush),
        )
    else:
        db.execute(
            "DELETE FROM channel_subscriptions WHERE user_id = ? AND channel = ?",
            (user_id, channel),
        )
    return {"channel": channel, "viamail": viamail, "viapush": viapush}


def unsubscribe_newsletters(db: sqlite3.Connection, user_id: int) -> None:
    db.execute("UPDATE users SET newsletter = 0 WHERE id = ?", (user_id,))
    db.execute("UPDATE channel_subscriptions SET viamail = 0 WHERE user_id = ?", (user_id,))
    # A subscription with both flags 0 is no subscription (see subscribe_channel).
    db.execute("DELETE FROM channel_subscriptions WHERE user_id = ? AND viapush = 0", (user_id,))


def register_push_device(
    db: sqlite3.Connection, user_id: int, device_hash: str, token: str
) -> dict[str, Any]:
    db.execute(
        "INSERT INTO push_devices (user_id, device_hash, token) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, device_hash) DO UPDATE SET token = excluded.token",
        (user_id, device_hash, token),
    )
    return {"device": device_hash, "push": 1}


def request_takeout(db: sqlite3.Connection, user_id: int) -> dict[str, Any]:
    now = clock.now()
    cursor = db.execute("INSERT INTO takeouts (user_id, created) VALUES (?, ?)", (user_id, now))
    return {"takeout": int(cursor.lastrowid), "status": "requested", "created": int(now)}


def unregister(db: sqlite3.Connection, user_id: int) -> None:
    """Delete the user; every table referencing users(id) cascades, and every session of
    the user (logged in or held) becomes anonymous."""
    db.execute(
        "UPDATE sessions SET user_id = NULL, pending_user_id = NULL, pending_state = NULL"
        " WHERE user_id = ? OR pending_user_id = ?",
        (user_id, user_id),
    )
    if not faults.active("unregister-keeps-login"):
        db.execute("DELETE FROM users WHERE id = ?", (user_id,))
