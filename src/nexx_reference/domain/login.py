"""Who may log in: password logins (provider manual) and social connector logins."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from ..envelope import ApiError
from ..passwords import Passwords
from ..settings import DomainSettings
from ..storage import Database
from . import throttles, users

# Wrong password, unknown name and unknown connector token answer alike (403): the answer
# does not say which credential was wrong. That is no promise to hide which accounts exist
# (contract: the erratum on paths/account.yaml#/verifyaccountdetailsunique).
WRONG_CREDENTIALS = "wrong username or password"


async def authenticate_user(
    database: Database, passwords: Passwords, domain: DomainSettings, params: Mapping[str, Any]
) -> sqlite3.Row:
    """The user the credentials of a /session/login belong to, or 403."""
    provider = params.get("provider", "manual")
    if provider == "manual":
        name, password = params.get("username"), params.get("password")
        if not name or not password:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "parameters 'username' and 'password' are required for provider manual",
            )
        with database.read() as db:
            user = users.by_login_name(db, domain.id, name)
        stored = user["password_hash"] if user is not None else None
        matched = await passwords.matches(stored, password)  # also runs for an unknown name
        if user is None or not matched:
            raise ApiError(HTTPStatus.FORBIDDEN, WRONG_CREDENTIALS)
        return user
    token = params.get("token")
    if not token:
        raise ApiError(
            HTTPStatus.BAD_REQUEST, f"parameter 'token' is required for provider {provider}"
        )
    with database.read() as db:
        user = users.by_provider_token(db, domain.id, provider, token)
    if user is None:
        raise ApiError(HTTPStatus.FORBIDDEN, f"no account is connected to this {provider} token")
    return user


def throttled_name(params: Mapping[str, Any]) -> str | None:
    """The subject a password login is throttled by (domain.throttles): its login name."""
    name = params.get("username")
    if params.get("provider", "manual") != "manual" or not name:
        return None
    return throttles.name_key(name)


def ensure_may_log_in(db: sqlite3.Connection, domain: DomainSettings, user: sqlite3.Row) -> None:
    """Checked again inside the login's write transaction: the account may have changed meanwhile."""
    current = users.by_id(db, domain.id, user["id"])
    if current is None:
        raise ApiError(HTTPStatus.FORBIDDEN, WRONG_CREDENTIALS)
    if not current["authorized"]:
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            "account not authorized yet: open the link of the authorization mail first",
        )
