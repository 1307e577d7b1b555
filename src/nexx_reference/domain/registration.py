"""Registration rules: who may register, what is unique, what is stored, which mail follows.

Uniqueness (username, email, provider + connector token) is checked inside the write
transaction of the insert (BEGIN IMMEDIATE serialises registrations), and the UNIQUE
constraints of the users table are the last line should a check ever be missed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from .. import clock, faults
from ..envelope import ApiError
from ..settings import DomainSettings
from . import mail_tokens, users

# The first user id of the long-identifiers variant (the reference counts from 1).
LONG_FIRST_ID = 7_000_000

# Stored with the account as given (contract: paths/account.yaml#/register).
EXTRA_FIELDS = {
    "vouchercode": "vouchercode",
    "affiliatepartner": "affiliatepartner",
    "affiliateparam": "affiliateparam",
    "paymentRegistrationService": "paymentregistrationservice",
    "connectedForm": "connectedform",
}


@dataclass(frozen=True)
class Registered:
    user_id: int
    email: str | None
    authorized: bool
    preregistered: bool
    mail_type: str | None  # the mail that follows: authorize, welcome, preregister or none
    authorize_token: str | None = None


def ensure_unique(
    db: sqlite3.Connection,
    domain: int,
    username: str | None,
    email: str | None,
    except_user: int | None = None,
) -> None:
    if username and _taken(db, domain, "username", username, except_user):
        raise ApiError(HTTPStatus.CONFLICT, "username is already taken")
    if email and _taken(db, domain, "email", email, except_user):
        raise ApiError(HTTPStatus.CONFLICT, "email address is already registered")


def _taken(
    db: sqlite3.Connection, domain: int, column: str, value: str, except_user: int | None
) -> bool:
    # `column` is "username" or "email", chosen by the code, never by the request.
    row = db.execute(
        f"SELECT id FROM users WHERE domain = ? AND {column} = ? AND id IS NOT ?",
        (domain, value, except_user),
    ).fetchone()
    return row is not None


def register(
    db: sqlite3.Connection,
    domain: DomainSettings,
    params: Mapping[str, Any],
    password_hash: str | None,
) -> Registered:
    """Insert a user registered by /user/register (manual or social)."""
    username, email = params.get("username"), params.get("email")
    provider, token = params.get("provider"), params.get("token")
    ensure_unique(db, domain.id, username, email)
    if provider and users.provider_token_taken(db, domain.id, provider, token):
        raise ApiError(
            HTTPStatus.CONFLICT, f"this {provider} token is already connected to an account"
        )
    preregistered = params.get("isPreRegister") == 1
    autoauthorize = domain.autoauthorize and not faults.active("autoauthorize-ignored")
    user_id = _insert(
        db,
        domain.id,
        params,
        password_hash,
        authorized=autoauthorize,
        anonymous=False,
        preregistered=preregistered,
    )
    if provider:
        db.execute(
            "INSERT INTO user_providers (domain, provider, token, user_id) VALUES (?, ?, ?, ?)",
            (domain.id, provider, token, user_id),
        )
    if not autoauthorize:
        mail_type, authorize_token = "authorize", mail_tokens.issue(db, "authorize", user_id)
    else:
        mail_type, authorize_token = ("preregister" if preregistered else "welcome"), None
    return Registered(
        user_id,
        email,
        autoauthorize,
        preregistered,
        mail_type if email else None,
        authorize_token,
    )


def register_anonymous(
    db: sqlite3.Connection,
    domain: DomainSettings,
    params: Mapping[str, Any],
    password_hash: str | None,
) -> int:
    """Insert an anonymous user (email only, no username); it is authorized at once."""
    ensure_unique(db, domain.id, None, params["email"])
    anonymous = not faults.active("anonymous-flag-lost")
    return _insert(
        db,
        domain.id,
        params,
        password_hash,
        authorized=True,
        anonymous=anonymous,
        preregistered=False,
    )


def _insert(
    db: sqlite3.Connection,
    domain: int,
    params: Mapping[str, Any],
    password_hash: str | None,
    authorized: bool,
    anonymous: bool,
    preregistered: bool,
) -> int:
    columns: dict[str, Any] = {
        "domain": domain,
        "username": None if anonymous else params.get("username"),
        "email": params.get("email"),
        "password_hash": password_hash,
        "authorized": int(authorized),
        "anonymous": int(anonymous),
        "preregistered": int(preregistered),
        "created": clock.now(),
    }
    for name in users.DETAIL_FIELDS:
        if name in params:
            columns[name] = params[name]
    for param, column in EXTRA_FIELDS.items():
        if param in params:
            columns[column] = params[param]
    if faults.active("long-identifiers"):
        # Only the first id is set by hand: from there AUTOINCREMENT counts on and, like the
        # clean server, never hands out the id of a removed user again.
        issued = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'users'").fetchone()
        if issued is None or issued[0] < LONG_FIRST_ID:
            columns["id"] = LONG_FIRST_ID
    names = ", ".join(columns)  # fixed column names; every value is bound
    marks = ", ".join("?" for _ in columns)
    try:
        cursor = db.execute(
            f"INSERT INTO users ({names}) VALUES ({marks})", tuple(columns.values())
        )
    except sqlite3.IntegrityError as exc:
        # Only reachable if a uniqueness check above was bypassed; still a clean 409.
        raise ApiError(
            HTTPStatus.CONFLICT, "username or email address is already registered"
        ) from exc
    return int(cursor.lastrowid)


def authorize(db: sqlite3.Connection, domain: DomainSettings, token: str) -> int:
    user_id = mail_tokens.redeem(db, "authorize", token, domain.id)
    db.execute("UPDATE users SET authorized = 1 WHERE id = ?", (user_id,))
    return user_id


def is_unique(db: sqlite3.Connection, domain: int, item: str) -> dict[str, Any]:
    """Contract: a value with an `@` is an email address, any other a username."""
    field = "email" if "@" in item else "username"
    return {"field": field, "unique": int(not _taken(db, domain, field, item, None))}


def is_token_unique(
    db: sqlite3.Connection, domain: int, provider: str, token: str
) -> dict[str, Any]:
    return {
        "field": "token",
        "unique": int(not users.provider_token_taken(db, domain, provider, token)),
        "provider": provider,
    }
