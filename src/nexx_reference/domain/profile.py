"""The user's own account as the contract's `User` result (profile, login, register).

Parts of it belong to other areas (the 2FA state, the AVS age class, joined events and
teams). Any domain module may add to it by defining

    def profile_fields(db, user_id: int, params: Mapping[str, Any]) -> dict

which returns the fields it owns, e.g. {"twofactor": {"app": 1}} or, when
params.get("addEventData") == 1, {"events": [...]}. Nested dicts are merged. Without
such a module the defaults below stand (no second factor, age class 0, no joins).
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from .. import faults
from . import users

JOINED_LIMIT = 25
# The details the profile shows only where the user gave them (newsletter is always shown).
OPTIONAL_DETAILS = ("username", *(name for name in users.DETAIL_FIELDS if name != "newsletter"))

Contributor = Callable[[sqlite3.Connection, int, Mapping[str, Any]], dict[str, Any]]


@cache
def contributors() -> tuple[Contributor, ...]:
    from .. import domain

    found = []
    for info in sorted(pkgutil.iter_modules(domain.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{domain.__name__}.{info.name}")
        contribute = getattr(module, "profile_fields", None)
        if callable(contribute):
            found.append(contribute)
    return tuple(found)


def channel_subscriptions(db: sqlite3.Connection, user_id: int) -> list[dict[str, int]]:
    rows = db.execute(
        "SELECT channel, viamail, viapush FROM channel_subscriptions WHERE user_id = ? ORDER BY channel",
        (user_id,),
    ).fetchall()
    return [dict(row) for row in rows]


def user_view(
    db: sqlite3.Connection, row: sqlite3.Row, params: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The closed `User` object of the contract: never a hash, never another user's data."""
    params = params or {}
    view: dict[str, Any] = {
        "ID": row["id"],
        "email": row["email"],
        "status": row["status"] or "",
        "newsletter": int(row["newsletter"]),
        "ageclass": 0,
        "isanonymous": int(row["anonymous"]),
        "created": int(row["created"]),
        "twofactor": {"app": 0, "u2fdevices": 0},
        "channelsubscriptions": channel_subscriptions(db, row["id"]),
    }
    for name in OPTIONAL_DETAILS:
        if row[name] is not None:
            view[name] = row[name]
    if faults.active("user-leaks-password-hash"):
        view["password"] = row["password_hash"]
    if params.get("addEventData") == 1:
        view["events"] = []
    if params.get("addGroupData") == 1:
        view["groups"] = []
    for contribute in contributors():
        _merge(view, contribute(db, row["id"], params))
    for joined in ("events", "groups"):
        if joined in view:
            view[joined] = view[joined][:JOINED_LIMIT]
    return view


def user_view_by_id(
    db: sqlite3.Connection, domain: int, user_id: int, params: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    row = users.by_id(db, domain, user_id)
    return user_view(db, row, params) if row else None


def _merge(target: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value
