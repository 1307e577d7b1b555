"""The 15 media lists of a user (/user/history, /user/favourites, ...), read from the
interactions and from the items the user created.

Every list is one SQL query: the list's own rows (`entry`) joined to their items, plus
the user's other relations to each item (history, rating, purchase), because an item's
`interaction` shows the whole relation, whichever list it is listed in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import clock, faults
from . import catalogue, interactions
from .interactions import comment_view

DEFAULT_LIMIT = 50
JOINED_LIMIT = 25
DAY = 86400

# The lists filled by one row per item in `interactions` (the list name is the row's `list`).
INTERACTION_LISTS = (
    "history",
    "searchhistory",
    "purchaseditems",
    "favourites",
    "watchlist",
    "cart",
    "itemsininterest",
    "likes",
    "ratings",
    "teams",
    "events",
)
OWN_ITEM_LISTS = ("uploads", "clips")
LISTS = (*INTERACTION_LISTS, "comments", *OWN_ITEM_LISTS)

# orderBy of the contract -> the SQL expression; the column names never come from a request.
ORDER_COLUMNS = {"added": "entry_added", "title": "m.title COLLATE NOCASE", "ID": "m.item_id"}

_RELATION = """
    LEFT JOIN interactions AS h ON h.user_id = :user AND h.list = 'history' AND h.gid = m.gid
    LEFT JOIN interactions AS r ON r.user_id = :user AND r.list = 'ratings' AND r.gid = m.gid
    LEFT JOIN interactions AS p ON p.user_id = :user AND p.list = 'purchaseditems' AND p.gid = m.gid
"""
_RELATION_COLUMNS = (
    "h.progress AS rel_progress, h.completed AS rel_completed, h.added AS rel_watched,"
    " r.rating AS rel_rating, p.purchased AS rel_purchased, p.expires AS rel_expires"
)


@dataclass(frozen=True)
class ListQuery:
    """What a list call asks for, as the contract's parameters say it."""

    list_name: str
    user_id: int
    streamtype: str | None = None
    flat: bool = False
    start: int = 0
    limit: int = DEFAULT_LIMIT
    order_by: str = "added"
    order_dir: str = "DESC"
    exclude_completed: bool = False
    exclude_expired: bool = False

    @classmethod
    def from_params(
        cls, list_name: str, user_id: int, params: Mapping[str, Any], declared: frozenset[str]
    ) -> ListQuery:
        # Only a declared streamtype filters: undeclared query parameters (cfo, noc, ...) pass unread.
        return cls(
            list_name,
            user_id,
            streamtype=params.get("streamtype") if "streamtype" in declared else None,
            flat=params.get("mediaDataLevel") == "flat",
            start=params.get("start", 0),
            limit=params.get("limit", DEFAULT_LIMIT),
            order_by=params.get("orderBy", "added"),
            order_dir=params.get("orderDir", "DESC"),
            exclude_completed=params.get("excludeCompleted") == 1,
            exclude_expired=params.get("excludeExpired") == 1,
        )


def _source(query: ListQuery, now: float) -> tuple[str, str, dict[str, Any]]:
    """FROM/WHERE of the list, the expression of its `added`, and the bound values."""
    args: dict[str, Any] = {"user": query.user_id, "list": query.list_name, "now": now}
    if query.list_name in INTERACTION_LISTS:
        sql = (
            "FROM interactions AS entry JOIN media_items AS m ON m.gid = entry.gid"
            + _RELATION
            + " WHERE entry.list = :list"
            + (
                ""
                if faults.active("lists-show-other-users-items")
                else " AND entry.user_id = :user"
            )
        )
        added = "entry.added"
    elif query.list_name == "comments":
        sql = (
            "FROM comments AS entry JOIN media_items AS m ON m.gid = entry.gid"
            + _RELATION
            + " WHERE entry.user_id = :user"
        )
        added = "entry.created"
    else:
        sql = "FROM media_items AS m" + _RELATION + " WHERE m.owner = :user"
        added = "m.created"
        if query.list_name == "clips":
            sql += " AND m.streamtype = 'video' AND m.from_capture = 1"
    if query.streamtype and not faults.active("streamtype-filter-ignored"):
        sql += " AND m.streamtype = :streamtype"
        args["streamtype"] = query.streamtype
    if query.exclude_completed and not faults.active("exclude-completed-ignored"):
        sql += " AND COALESCE(h.completed, 0) = 0"
    if query.exclude_expired:
        sql += " AND (p.expires IS NULL OR p.expires > :now)"
    return sql, added, args


def page(
    db: sqlite3.Connection, query: ListQuery, now: float | None = None
) -> tuple[list[dict[str, Any]], int]:
    """One page of the list and the size of the whole (filtered) list."""
    now = clock.now() if now is None else now
    source, added, args = _source(query, now)
    total = db.execute(f"SELECT COUNT(*) {source}", args).fetchone()[0]
    comment_columns = (
        ", entry.id AS comment_id, entry.text AS comment_text, entry.created AS comment_created"
        if query.list_name == "comments"
        else ""
    )
    direction = "ASC" if query.order_dir == "ASC" else "DESC"
    order_by = query.order_by
    if faults.active("order-ignored"):
        direction, order_by = "DESC", "added"
    # m.gid (and the comment id) break ties, so paging never repeats or skips an entry.
    columns = [
        ORDER_COLUMNS[order_by],
        "m.gid",
        *(["entry.id"] if query.list_name == "comments" else []),
    ]
    order = ", ".join(f"{column} {direction}" for column in columns)
    rows = db.execute(
        f"SELECT m.*, {added} AS entry_added, {_RELATION_COLUMNS}{comment_columns} {source}"
        f" ORDER BY {order} LIMIT :limit OFFSET :start",
        {
            **args,
            "limit": -1 if faults.active("limit-ignored") else query.limit,
            "start": query.start,
        },
    ).fetchall()
    flat = query.flat and not faults.active("flat-level-ignored")
    if flat:
        return [catalogue.flat_view(row) for row in rows], total
    counted = interactions.counts(db, [row["gid"] for row in rows])
    return [
        catalogue.item_view(row, False, counted[row["gid"]], _interaction(row, query.list_name))
        for row in rows
    ], total


def _interaction(row: sqlite3.Row, list_name: str) -> dict[str, Any]:
    watched = row["rel_watched"] is not None
    return {
        "added": int(row["entry_added"]),
        "progress": row["rel_progress"] if watched else None,
        "completed": row["rel_completed"] if watched else None,
        "rating": row["rel_rating"],
        "comment": (
            comment_view(
                {
                    "id": row["comment_id"],
                    "text": row["comment_text"],
                    "created": row["comment_created"],
                }
            )
            if list_name == "comments"
            else None
        ),
        "purchased": int(row["rel_purchased"]) if row["rel_purchased"] is not None else None,
        "expires": row["rel_expires"],
    }


def history_for_merge(
    db: sqlite3.Connection, user_id: int, params: Mapping[str, Any], now: float | None = None
) -> list[dict[str, Any]]:
    """Every watched item as {ID, streamtype, progress?}, last watched first, unpaged."""
    now = clock.now() if now is None else now
    sql = (
        "SELECT m.item_id, m.streamtype, entry.progress FROM interactions AS entry"
        " JOIN media_items AS m ON m.gid = entry.gid WHERE entry.user_id = ? AND entry.list = 'history'"
    )
    args: list[Any] = [user_id]
    if params.get("streamtypes"):
        wanted = params["streamtypes"].split(",")
        sql += f" AND m.streamtype IN ({', '.join('?' * len(wanted))})"
        args.extend(wanted)
    if params.get("excludeCompleted") == 1:
        sql += " AND COALESCE(entry.completed, 0) = 0"
    if params.get("maxDays"):
        sql += " AND entry.added >= ?"
        args.append(now - params["maxDays"] * DAY)
    entries = []
    for row in db.execute(sql + " ORDER BY entry.added DESC, m.gid DESC", args):
        entry: dict[str, Any] = {"ID": row["item_id"], "streamtype": row["streamtype"]}
        if params.get("includeProgress") == 1 and row["progress"] is not None:
            entry["progress"] = row["progress"]
        entries.append(entry)
    return entries


def last_joined(
    db: sqlite3.Connection, user_id: int, list_name: str, limit: int = JOINED_LIMIT
) -> list[dict[str, Any]]:
    """The last joined events or teams as the profile's JoinedItem: {ID, title, joined}."""
    rows = db.execute(
        "SELECT m.item_id, m.title, entry.added FROM interactions AS entry JOIN media_items AS m ON m.gid = entry.gid"
        " WHERE entry.user_id = ? AND entry.list = ? ORDER BY entry.added DESC, m.gid DESC LIMIT ?",
        (user_id, list_name, limit),
    ).fetchall()
    return [
        {"ID": row["item_id"], "title": row["title"], "joined": int(row["added"])} for row in rows
    ]


def profile_fields(
    db: sqlite3.Connection, user_id: int, params: Mapping[str, Any]
) -> dict[str, Any]:
    """The profile's `events` (addEventData=1) and `groups` (addGroupData=1, the joined teams)."""
    fields: dict[str, Any] = {}
    if params.get("addEventData") == 1:
        fields["events"] = last_joined(db, user_id, "events")
    if params.get("addGroupData") == 1:
        fields["groups"] = last_joined(db, user_id, "teams")
    return fields
