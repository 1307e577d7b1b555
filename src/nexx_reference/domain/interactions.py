"""A user's relations to media items, as /interactions/... records them.

One row per (user, list, item) in `interactions`, where `list` is the media list the
relation fills (favourites, watchlist, likes, ratings, cart, purchaseditems,
itemsininterest, history, searchhistory, events, teams); comments have their own
table, as an item may be commented more than once. `added` is a float so that two
relations made within one second still sort in the order they were made.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from .. import faults
from ..envelope import ApiError
from .catalogue import TIME_BASED

# The plain add/remove operations: operationId -> (the list it fills, adds?).
MEMBERSHIP = {
    "addtofavourites": ("favourites", True),
    "removefromfavourites": ("favourites", False),
    "addtowatchlist": ("watchlist", True),
    "removefromwatchlist": ("watchlist", False),
    "addlike": ("likes", True),
    "removelike": ("likes", False),
    "addtocart": ("cart", True),
    "removefromcart": ("cart", False),
    "expressinterest": ("itemsininterest", True),
    "removeinterest": ("itemsininterest", False),
    "joinevent": ("events", True),
    "leaveevent": ("events", False),
    "jointeam": ("teams", True),
    "leaveteam": ("teams", False),
    "removerate": ("ratings", False),
    "removefromwatched": ("history", False),
}


def _entry(db: sqlite3.Connection, user_id: int, list_name: str, gid: int) -> sqlite3.Row | None:
    return db.execute(
        "SELECT * FROM interactions WHERE user_id = ? AND list = ? AND gid = ?",
        (user_id, list_name, gid),
    ).fetchone()


def add(
    db: sqlite3.Connection, user_id: int, list_name: str, gid: int, now: float
) -> dict[str, Any]:
    """Put the item in the list; a repeated add changes nothing and keeps the first time."""
    if faults.active("interaction-not-persisted"):
        return {"changed": 1, "added": int(now)}
    cursor = db.execute(
        "INSERT INTO interactions (user_id, list, gid, added) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id, list, gid) DO NOTHING",
        (user_id, list_name, gid, now),
    )
    entry = _entry(db, user_id, list_name, gid)
    return {"changed": int(cursor.rowcount == 1), "added": int(entry["added"])}


def remove(db: sqlite3.Connection, user_id: int, list_name: str, gid: int) -> dict[str, Any]:
    cursor = db.execute(
        "DELETE FROM interactions WHERE user_id = ? AND list = ? AND gid = ?",
        (user_id, list_name, gid),
    )
    if cursor.rowcount == 0:
        raise ApiError(HTTPStatus.NOT_FOUND, f"the item is not in the user's {list_name}")
    return {"changed": 1}


def rate(db: sqlite3.Connection, user_id: int, gid: int, rating: int, now: float) -> dict[str, Any]:
    """Rate the item; another value replaces the rating, `added` stays the first rating's time."""
    entry = _entry(db, user_id, "ratings", gid)
    if entry is None:
        db.execute(
            "INSERT INTO interactions (user_id, list, gid, added, rating) VALUES (?, 'ratings', ?, ?, ?)",
            (user_id, gid, now, rating),
        )
        return {"changed": 1, "added": int(now), "rating": rating}
    if entry["rating"] != rating:
        db.execute(
            "UPDATE interactions SET rating = ? WHERE user_id = ? AND list = 'ratings' AND gid = ?",
            (rating, user_id, gid),
        )
    return {
        "changed": int(entry["rating"] != rating),
        "added": int(entry["added"]),
        "rating": rating,
    }


def watched(
    db: sqlite3.Connection,
    user_id: int,
    item: sqlite3.Row,
    progress: int,
    completed: int,
    now: float,
) -> dict[str, Any]:
    """Record a watch: the maximal progress (capped at the runtime), completed once 1 stays 1."""
    entry = _entry(db, user_id, "history", item["gid"])
    runtime = item["runtime"]
    if item["streamtype"] in TIME_BASED:
        reached = max(progress, entry["progress"] or 0) if entry else progress
        if runtime is not None:
            reached = min(reached, runtime)
            # Reaching the end of the item is watching it to the end.
            completed = 1 if runtime and reached >= runtime else completed
    else:
        reached = None
    completed = int(bool(completed or (entry and entry["completed"])))
    changed = entry is None or entry["progress"] != reached or entry["completed"] != completed
    db.execute(
        "INSERT INTO interactions (user_id, list, gid, added, progress, completed) VALUES (?, 'history', ?, ?, ?, ?)"
        " ON CONFLICT (user_id, list, gid) DO UPDATE SET added = excluded.added, progress = excluded.progress,"
        " completed = excluded.completed",
        (user_id, item["gid"], now, reached, completed),
    )
    return {"changed": int(changed), "added": int(now), "progress": reached, "completed": completed}


def purchase(
    db: sqlite3.Connection, user_id: int, gid: int, duration: int | None, now: float
) -> dict[str, Any]:
    """Buy the item (for `duration` seconds, or for good); it leaves the cart.

    A purchase still valid is kept as it is; an expired one is renewed.
    """
    db.execute(
        "DELETE FROM interactions WHERE user_id = ? AND list = 'cart' AND gid = ?", (user_id, gid)
    )
    entry = _entry(db, user_id, "purchaseditems", gid)
    if entry is not None and not is_expired(entry["expires"], now):
        return {
            "changed": 0,
            "added": int(entry["added"]),
            "purchased": int(entry["purchased"]),
            "expires": entry["expires"],
        }
    expires = int(now) + duration if duration else None
    db.execute(
        "INSERT INTO interactions (user_id, list, gid, added, purchased, expires)"
        " VALUES (?, 'purchaseditems', ?, ?, ?, ?) ON CONFLICT (user_id, list, gid) DO UPDATE SET"
        " added = excluded.added, purchased = excluded.purchased, expires = excluded.expires",
        (user_id, gid, now, now, expires),
    )
    return {"changed": 1, "added": int(now), "purchased": int(now), "expires": expires}


def is_expired(expires: int | None, now: float) -> bool:
    # The contract: "a purchase whose `expires` lies in the past is expired".
    return expires is not None and expires <= now


def comment_view(row: sqlite3.Row) -> dict[str, Any]:
    return {"ID": row["id"], "text": row["text"], "created": int(row["created"])}


def add_comment(
    db: sqlite3.Connection, user_id: int, gid: int, text: str, now: float
) -> dict[str, Any]:
    """Every call writes a new comment (not idempotent, unlike the other adds)."""
    cursor = db.execute(
        "INSERT INTO comments (user_id, gid, text, created) VALUES (?, ?, ?, ?)",
        (user_id, gid, text, now),
    )
    row = db.execute("SELECT * FROM comments WHERE id = ?", (cursor.lastrowid,)).fetchone()
    # The new comment's id is the call's `ID`, the docs' example of an operation's details.
    return {"ID": row["id"], "changed": 1, "added": int(now), "comment": comment_view(row)}


def remove_comment(
    db: sqlite3.Connection, domain: int, user_id: int, comment_id: int
) -> dict[str, Any]:
    """Remove a comment named by its own id (the docs: "the Comment ID as item"), with the
    media item it was on."""
    row = db.execute(
        "SELECT c.*, m.item_id, m.streamtype FROM comments AS c JOIN media_items AS m"
        " ON m.gid = c.gid WHERE c.id = ? AND m.domain = ?",
        (comment_id, domain),
    ).fetchone()
    if row is None:
        raise ApiError(HTTPStatus.NOT_FOUND, f"no comment {comment_id} in this domain")
    if row["user_id"] != user_id:
        raise ApiError(HTTPStatus.FORBIDDEN, f"comment {comment_id} was written by another user")
    db.execute("DELETE FROM comments WHERE id = ?", (comment_id,))
    return {
        "ID": comment_id,
        "item": row["item_id"],
        "streamtype": row["streamtype"],
        "changed": 1,
        "comment": comment_view(row),
    }


def counts(db: sqlite3.Connection, gids: list[int]) -> dict[int, dict[str, Any]]:
    """What all users did with each item, counted: a media item's `interactiondata`."""
    if not gids:
        return {}
    marks = ", ".join("?" * len(gids))
    found = {
        gid: {
            "ratingavg": 0,
            "ratingcount": 0,
            "likecount": 0,
            "commentcount": 0,
            "favouritecount": 0,
        }
        for gid in gids
    }
    for row in db.execute(
        "SELECT gid, SUM(list = 'likes') AS likes, SUM(list = 'favourites') AS favourites,"
        " SUM(list = 'ratings') AS ratings, AVG(CASE WHEN list = 'ratings' THEN rating END) AS average"
        f" FROM interactions WHERE gid IN ({marks}) GROUP BY gid",
        gids,
    ):
        found[row["gid"]].update(
            likecount=row["likes"],
            favouritecount=row["favourites"],
            ratingcount=row["ratings"],
            ratingavg=round(row["average"], 2) if row["average"] is not None else 0,
        )
    for row in db.execute(
        f"SELECT gid, COUNT(*) AS comments FROM comments WHERE gid IN ({marks}) GROUP BY gid", gids
    ):
        found[row["gid"]]["commentcount"] = row["comments"]
    return found


def record_found(db: sqlite3.Connection, user_id: int, gids: Iterable[int], now: float) -> None:
    """Remember the items a search showed the user; `added` is the last time each was found."""
    db.executemany(
        "INSERT INTO interactions (user_id, list, gid, added) VALUES (?, 'searchhistory', ?, ?)"
        " ON CONFLICT (user_id, list, gid) DO UPDATE SET added = excluded.added",
        [(user_id, gid, now) for gid in gids],
    )
