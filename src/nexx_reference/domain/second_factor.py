"""Held logins: which login waits for a second factor, the device codes, the throttle.

/session/login asks `hold_for_login` after the password check (contract:
paths/session.yaml#/login, 202). In order of precedence:
  1. a user with a U2F device: every login waits for /user/authorizelogin;
  2. a user with an authenticator app: a login from a device that never passed a
     second factor waits for a `type=app` code;
  3. on a domain with `twofactor=sms`, a user with a phone number: the same, with a
     6-digit code sent by SMS.
A device passes by finishing a held login (or by enrolling the app with a code on it);
only then are its later logins let through. Logging in without a second factor
does not make a device trusted: that is what a stolen password would do.

SMS codes live 10 minutes, are stored only as an HMAC keyed with the domain secret
(with a salt per code), are single-use and bound to the held session; a new code
(/user/requestkeycode, or a new login) voids the open ones. Wrong codes are counted per
user, not per held login, so a fresh /session/login does not reset the count: after
5 wrong codes in a row every code is refused with 429 for THROTTLE_SECONDS.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import sqlite3
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from .. import clock, faults
from ..envelope import ApiError
from ..masking import mask_phone
from ..settings import DomainSettings
from ..sms import SmsSender
from . import sessions, throttles, totp, webauthn_devices

NEEDS_CODE, NEEDS_U2F = "needs-device-code", "needs-u2f"
SMS, APP, U2F = "sms", "app", "u2f"
CODE_LIFETIME = 10 * 60
MAX_WRONG_CODES = 5
THROTTLE_SECONDS = 5 * 60
NOT_HELD_FOR_CODE = "this session's login is not waiting for a device code"


@dataclass(frozen=True)
class OutgoingSms:
    to: str = field(repr=False)
    text: str = field(repr=False)  # carries the code
    domain: int


@dataclass(frozen=True)
class Held:
    """A held login: its 202 result, and the SMS to send once the transaction is committed."""

    result: dict[str, Any]
    sms: OutgoingSms | None = None


@dataclass(frozen=True)
class HeldLogin:
    user_id: int
    method: str  # sms | app | u2f
    host: str | None
    challenge: str | None
    expires: float | None


async def deliver(sender: SmsSender, sms: OutgoingSms | None) -> None:
    """Send the code; a failing webhook is logged by the sender (masked, without the
    code) and the login stays held: the user can ask again with /user/requestkeycode."""
    if sms is not None:
        await sender.send(sms.to, sms.text, sms.domain)


def hold_for_login(
    db: sqlite3.Connection,
    domain: DomainSettings,
    session: sessions.Session,
    user: sqlite3.Row,
    secret: str,
) -> Held | None:
    """Hold the login of `user` on `session` if a second factor is due, else None."""
    user_id = user["id"]
    general = {"cid": session.cid}
    challenge = webauthn_devices.login_challenge(db, user_id)
    if challenge is not None:
        _hold(
            db,
            session,
            user_id,
            U2F,
            NEEDS_U2F,
            challenge.host,
            challenge.challenge,
            clock.now() + webauthn_devices.CHALLENGE_LIFETIME,
        )
        return Held({"general": general, "loginstate": NEEDS_U2F, "webauthn": challenge.options})
    if is_trusted(db, user_id, session.device_hash):
        return None
    if totp.is_enrolled(db, user_id):
        _hold(db, session, user_id, APP, NEEDS_CODE)
        return Held({"general": general, "loginstate": NEEDS_CODE, "codetype": APP})
    if domain.twofactor == "sms" and user["phone"]:
        _hold(db, session, user_id, SMS, NEEDS_CODE)
        code, _ = issue_code(db, session.cid, user_id, secret)
        return Held(
            {"general": general, "loginstate": NEEDS_CODE, "codetype": SMS},
            OutgoingSms(user["phone"], sms_text(code), domain.id),
        )
    return None


def _hold(
    db: sqlite3.Connection,
    session: sessions.Session,
    user_id: int,
    method: str,
    state: str,
    host: str | None = None,
    challenge: str | None = None,
    expires: float | None = None,
) -> None:
    sessions.hold_login(db, session, user_id, state)
    db.execute("UPDATE device_codes SET spent = 1 WHERE cid = ?", (session.cid,))
    db.execute(
        "INSERT OR REPLACE INTO held_logins (cid, user_id, method, host, challenge, expires) VALUES (?, ?, ?, ?, ?, ?)",
        (session.cid, user_id, method, host, challenge, expires),
    )


def held_login(db: sqlite3.Connection, session: sessions.Session) -> HeldLogin | None:
    """The login this session holds, if the session still holds it for that user."""
    if session.pending_user_id is None:
        return None
    row = db.execute(
        "SELECT * FROM held_logins WHERE cid = ? AND user_id = ?",
        (session.cid, session.pending_user_id),
    ).fetchone()
    if row is None:
        return None
    return HeldLogin(row["user_id"], row["method"], row["host"], row["challenge"], row["expires"])


def sms_text(code: str) -> str:
    return f"Your code is {code}"


def _code_hash(secret: str, salt: str, cid: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{salt}:{cid}:{code}".encode(), hashlib.sha256).hexdigest()


def issue_code(db: sqlite3.Connection, cid: str, user_id: int, secret: str) -> tuple[str, float]:
    """A new 6-digit code for the held login `cid`; every earlier code of it is void."""
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)
    expires = clock.now() + CODE_LIFETIME
    if not faults.active("stale-sms-code-accepted"):
        db.execute("UPDATE device_codes SET spent = 1 WHERE cid = ?", (cid,))
    db.execute(
        "INSERT INTO device_codes (cid, user_id, salt, code_hash, expires) VALUES (?, ?, ?, ?, ?)",
        (cid, user_id, salt, _code_hash(secret, salt, cid, code), expires),
    )
    return code, expires


def request_new_code(
    db: sqlite3.Connection, domain: DomainSettings, session: sessions.Session, secret: str
) -> tuple[dict[str, Any], OutgoingSms]:
    """/user/requestkeycode: a new SMS code for the held login, the old ones void."""
    held = held_login(db, session)
    if held is None or held.method == U2F:
        raise ApiError(HTTPStatus.FORBIDDEN, NOT_HELD_FOR_CODE)
    if held.method == APP:
        raise ApiError(
            HTTPStatus.CONFLICT,
            "this login waits for a code of the authenticator app; no SMS is sent",
        )
    row = db.execute("SELECT phone FROM users WHERE id = ?", (held.user_id,)).fetchone()
    if row is None or not row["phone"]:
        raise ApiError(
            HTTPStatus.CONFLICT, "the account has no phone number any more; no SMS can be sent"
        )
    throttles.ensure_allowed(db, "requestkeycode", held.user_id)
    throttles.count(db, "requestkeycode", held.user_id)
    code, expires = issue_code(db, session.cid, held.user_id, secret)
    result = {"codetype": SMS, "to": mask_phone(row["phone"]), "expires": int(expires)}
    return result, OutgoingSms(row["phone"], sms_text(code), domain.id)


def ensure_not_throttled(db: sqlite3.Connection, user_id: int) -> None:
    if faults.active("code-throttling-missing"):
        return
    row = db.execute(
        "SELECT throttled_until FROM code_throttles WHERE user_id = ?", (user_id,)
    ).fetchone()
    wait = (row["throttled_until"] - clock.now()) if row else 0
    if wait > 0:
        raise ApiError(
            HTTPStatus.TOO_MANY_REQUESTS,
            f"too many wrong codes; try again in {math.ceil(wait)} seconds",
            headers={"Retry-After": str(math.ceil(wait))},
        )


def count_wrong_code(db: sqlite3.Connection, user_id: int) -> None:
    db.execute("INSERT OR IGNORE INTO code_throttles (user_id) VALUES (?)", (user_id,))
    db.execute(
        "UPDATE code_throttles SET wrong_codes = wrong_codes + 1 WHERE user_id = ?", (user_id,)
    )
    db.execute(
        "UPDATE code_throttles SET wrong_codes = 0, throttled_until = ? WHERE user_id = ? AND wrong_codes >= ?",
        (clock.now() + THROTTLE_SECONDS, user_id, MAX_WRONG_CODES),
    )


def _sms_code_matches(
    db: sqlite3.Connection, cid: str, user_id: int, code: str, secret: str
) -> bool:
    rows = db.execute(
        "SELECT id, salt, code_hash FROM device_codes"
        " WHERE cid = ? AND user_id = ? AND spent = 0 AND expires > ?",
        (cid, user_id, clock.now()),
    ).fetchall()
    matched = [
        row["id"]
        for row in rows
        if hmac.compare_digest(_code_hash(secret, row["salt"], cid, code), row["code_hash"])
    ]
    if faults.active("wrong-sms-code-accepted"):
        matched = [row["id"] for row in rows if len(code) == 6 and code.isdigit()]
    if matched:
        db.execute("UPDATE device_codes SET spent = 1 WHERE cid = ?", (cid,))
    return bool(matched)


def try_device_code(
    db: sqlite3.Connection, session: sessions.Session, codetype: str, code: str, secret: str
) -> bool:
    """Check a code for the held login: True when right (the code used up), False when
    wrong or expired (counted). 403 not held for a code, 409 other codetype, 429 throttled."""
    held = held_login(db, session)
    if held is None or held.method == U2F:
        raise ApiError(HTTPStatus.FORBIDDEN, NOT_HELD_FOR_CODE)
    if codetype != held.method:
        raise ApiError(
            HTTPStatus.CONFLICT,
            f"parameter 'type': this login waits for a code of type {held.method}",
        )
    ensure_not_throttled(db, held.user_id)
    if held.method == SMS:
        right = _sms_code_matches(db, session.cid, held.user_id, code, secret)
    else:
        right = totp.accept_code(db, held.user_id, code)
    if not right:
        count_wrong_code(db, held.user_id)
    return right


def u2f_challenge(db: sqlite3.Connection, session: sessions.Session) -> HeldLogin:
    """The held U2F login's challenge; 403 when there is none or it expired."""
    held = held_login(db, session)
    if held is None or held.method != U2F:
        raise ApiError(
            HTTPStatus.FORBIDDEN, "this session's login is not waiting for a U2F assertion"
        )
    if held.expires is None or held.expires < clock.now():
        raise ApiError(
            HTTPStatus.FORBIDDEN, "the U2F challenge of this login expired; log in again"
        )
    return held


def trust_device(db: sqlite3.Connection, user_id: int, device_hash: str) -> None:
    db.execute(
        "INSERT OR IGNORE INTO trusted_devices (user_id, device_hash, passed) VALUES (?, ?, ?)",
        (user_id, device_hash, clock.now()),
    )


def is_trusted(db: sqlite3.Connection, user_id: int, device_hash: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM trusted_devices WHERE user_id = ? AND device_hash = ?",
            (user_id, device_hash),
        ).fetchone()
        is not None
    )


def complete_login(db: sqlite3.Connection, session: sessions.Session, ttl: int) -> dict[str, Any]:
    """The second factor was given: log the session in, trust its device, clear the hold."""
    user_id = session.pending_user_id
    if user_id is None:
        raise ApiError(HTTPStatus.FORBIDDEN, "this session's login is not held")
    sessions.log_in(db, session, user_id, ttl)
    trust_device(db, user_id, session.device_hash)
    db.execute("DELETE FROM held_logins WHERE cid = ?", (session.cid,))
    db.execute("UPDATE code_throttles SET wrong_codes = 0 WHERE user_id = ?", (user_id,))
    return sessions.session_view(db, sessions.find(db, session.domain, session.cid))
