"""Sessions: created by /session/init, carried in X-Request-CID, logged in by /session/login.

A session holds at most one of: a logged-in user (`user_id`) or a login held for a
second factor (`pending_user_id`). It expires `session_ttl` seconds after it was
created or last used (every call extends it, at most once a minute, so most reads need
no write transaction); a persistent session lives a year.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from .. import clock, faults
from . import profile

CID_BYTES = 32  # 43 URL-safe characters
LONG_ID_BYTES = 96  # 128 characters, the contract's maximum (a benign variant)
PERSISTENT_TTL = 365 * 86400  # forcePersistantSession=1
# A call extends its session, but at most once a minute, so reads rarely need a write.
EXTEND_GRANULARITY = 60


@dataclass(frozen=True)
class Session:
    cid: str
    domain: int
    device_hash: str
    device_name: str | None
    persistent: bool
    user_id: int | None
    pending_user_id: int | None
    expires: float
    pending_state: str | None = None  # the loginstate of a held login, e.g. needs-device-code

    @property
    def logged_in(self) -> bool:
        return self.user_id is not None

    @property
    def login_held(self) -> bool:
        return self.pending_user_id is not None


def _session(row: sqlite3.Row) -> Session:
    return Session(
        row["cid"],
        row["domain"],
        row["device_hash"],
        row["device_name"],
        bool(row["persistent"]),
        row["user_id"],
        row["pending_user_id"],
        row["expires"],
        row["pending_state"],
    )


def lifetime(session_ttl: int, persistent: bool) -> int:
    return PERSISTENT_TTL if persistent else session_ttl


def create(
    db: sqlite3.Connection,
    domain: int,
    ttl: int,
    device_hash: str | None = None,
    device_name: str | None = None,
    persistent: bool = False,
) -> Session:
    now = clock.now()
    cid = secrets.token_urlsafe(LONG_ID_BYTES if faults.active("long-identifiers") else CID_BYTES)
    device = device_hash or secrets.token_hex(16)
    expires = now + lifetime(ttl, persistent)
    db.execute(
        "INSERT INTO sessions (cid, domain, device_hash, device_name, persistent, created, expires)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (cid, domain, device, device_name, int(persistent), now, expires),
    )
    return Session(cid, domain, device, device_name, persistent, None, None, expires)


def needs_extension(session: Session, ttl: int) -> bool:
    return session.expires < clock.now() + lifetime(ttl, session.persistent) - EXTEND_GRANULARITY


def find(db: sqlite3.Connection, domain: int, cid: str) -> Session | None:
    """The session `cid` of `domain`, expired or not (the caller tells the two apart)."""
    row = db.execute(
        "SELECT * FROM sessions WHERE cid = ? AND domain = ?", (cid, domain)
    ).fetchone()
    return _session(row) if row else None


def log_in(db: sqlite3.Connection, session: Session, user_id: int, ttl: int) -> None:
    """Finish a login (direct, or after its second factor): the device becomes known."""
    now = clock.now()
    db.execute(
        "UPDATE sessions SET user_id = ?, pending_user_id = NULL, pending_state = NULL, expires = ?"
        " WHERE cid = ?",
        (user_id, now + lifetime(ttl, session.persistent), session.cid),
    )
    db.execute(
        "INSERT OR IGNORE INTO user_devices (user_id, device_hash, first_seen) VALUES (?, ?, ?)",
        (user_id, session.device_hash, now),
    )


def hold_login(db: sqlite3.Connection, session: Session, user_id: int, state: str) -> None:
    """Keep a login waiting for its second factor (`state`: needs-device-code or needs-u2f);
    the session has no user until log_in finishes it."""
    db.execute(
        "UPDATE sessions SET user_id = NULL, pending_user_id = ?, pending_state = ? WHERE cid = ?",
        (user_id, state, session.cid),
    )


def log_out(db: sqlite3.Connection, session: Session) -> None:
    if faults.active("session-alive-after-logout"):
        return
    db.execute(
        "UPDATE sessions SET user_id = NULL, pending_user_id = NULL, pending_state = NULL WHERE cid = ?",
        (session.cid,),
    )


def keep_alive(db: sqlite3.Connection, session: Session, ttl: int) -> float:
    expires = clock.now() + lifetime(ttl, session.persistent)
    db.execute(
        "UPDATE sessions SET expires = MAX(expires, ?) WHERE cid = ?", (expires, session.cid)
    )
    return expires


def is_known_device(db: sqlite3.Connection, user_id: int, device_hash: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM user_devices WHERE user_id = ? AND device_hash = ?", (user_id, device_hash)
    ).fetchone()
    return row is not None


def refreshed(db: sqlite3.Connection, session: Session, ttl: int) -> Session:
    """The session extended by this call (see EXTEND_GRANULARITY)."""
    if not needs_extension(session, ttl):
        return session
    return replace(session, expires=keep_alive(db, session, ttl))


def loginstate(session: Session) -> str:
    if session.user_id is not None:
        return "logged-in"
    if session.pending_user_id is not None and session.pending_state:
        return session.pending_state
    return "anonymous"


def session_view(
    db: sqlite3.Connection, session: Session, is_new: bool = False, with_login: bool = True
) -> dict[str, Any]:
    """The contract's `Session` result (the 202 of a held login is the 2FA area's), shaped
    as a real nexx system answers /session/init: `general`, `device`, `system`. With
    `with_login`, also who is logged in (`loginstate`, `user`), which init does not say."""
    device: dict[str, Any] = {"id": session.device_hash}
    if session.device_name:
        device["name"] = session.device_name
    user = None
    if session.user_id is not None:
        user = profile.user_view_by_id(db, session.domain, session.user_id)
    view: dict[str, Any] = {
        "general": {
            "cid": session.cid,
            "isNewSession": int(is_new),
            "clid": session.domain,
            "uid": session.user_id if user is not None else 0,
            "persistent": int(session.persistent),
            "expires": int(session.expires),
        },
        "device": device,
        "system": {"clientstatus": "online", "domainstatus": "online", "sdkstatus": 1},
    }
    if with_login:
        view["loginstate"] = (
            loginstate(session) if user is not None or session.user_id is None else "anonymous"
        )
        view["user"] = user
    return view
