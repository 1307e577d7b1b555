"""The media catalogue: the items every list, interaction and search refers to.

Each domain gets the same small catalogue at start (`seed`), three items of every
streamtype; users add their own items (UGC and uploads, `owner` set). An item is named
by its `item_id` within its streamtype; `gid` is unique across streamtypes.

Visibility: published items are visible to everybody, an unpublished item only to its
owner. An item a caller cannot see does not exist for that caller (404).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from ..envelope import ApiError

STREAMTYPES = (
    "video",
    "audio",
    "image",
    "article",
    "playlist",
    "collection",
    "show",
    "event",
    "team",
    "live",
    "radio",
    "rack",
    "file",
    "place",
    "link",
)
# Only these have a time dimension: a runtime, a watch progress (media.yaml, MediaGeneral).
TIME_BASED = ("video", "audio")
# Streamtypes whose items carry a file, hence an `uploaded` time.
FILE_BASED = ("video", "audio", "image", "file")

# A fixed date (2024-05-01), so the seeded catalogue is the same on every start.
SEED_CREATED = 1714521600
# (title, subtitle, teaser, description, runtime) per streamtype; ids 1..3 in this order.
# "harbour" appears in several streamtypes, so a search finds a mixed result.
SEED_ITEMS: dict[str, tuple[tuple[str, str, str, str, int | None], ...]] = {
    "video": (
        ("Sunset over the harbour", "", "Four minutes of evening light.", "", 183),
        ("Rowing at dawn", "", "", "Filmed from the bridge.", 41),
        ("The lighthouse keeper", "A portrait", "", "Forty years on the rock.", 1520),
    ),
    "audio": (
        ("Morning briefing", "Episode 12", "The news of the day in twenty minutes.", "", 1260),
        ("Harbour sounds", "", "", "Gulls, ropes and engines.", 300),
        ("Evening concert", "Live from the quay", "", "", 3600),
    ),
    "image": (
        ("Boats at dusk", "", "", "Taken from the old pier.", None),
        ("Fish market", "", "", "", None),
        ("Harbour crane", "", "", "The old crane at night.", None),
    ),
    "article": (
        ("Ten years of the harbour festival", "A look back", "", "", None),
        ("A new ferry line", "", "Twice a day to the islands.", "", None),
        ("Tide tables explained", "", "", "", None),
    ),
    "playlist": (
        ("Best of summer", "", "", "", None),
        ("Harbour walks", "", "", "", None),
        ("Quiet mornings", "", "", "", None),
    ),
    "collection": (
        ("Harbour through the seasons", "Photos and clips", "", "", None),
        ("Old postcards", "", "", "", None),
        ("Ships of the bay", "", "", "", None),
    ),
    "show": (
        ("Quay talk", "", "A weekly talk show.", "", None),
        ("Deep water", "", "", "", None),
        ("Harbour kitchen", "", "Cooking with the catch of the day.", "", None),
    ),
    "event": (
        (
            "Harbour festival 2024",
            "Three days on the quay",
            "",
            "Music, boats and food on the old quay.",
            None,
        ),
        ("Regatta", "", "", "", None),
        ("Night market", "", "", "", None),
    ),
    "team": (
        ("Harbour Rowing Club", "", "Rowing on the bay since 1921.", "", None),
        ("Bay Sailors", "", "", "", None),
        ("Pier Runners", "", "", "", None),
    ),
    "live": (
        ("Harbour webcam", "", "", "", None),
        ("Regatta live", "", "", "", None),
        ("City council live", "", "", "", None),
    ),
    "radio": (
        ("Bay radio", "", "", "", None),
        ("Harbour FM", "", "", "", None),
        ("Tide radio", "", "", "", None),
    ),
    "rack": (
        ("Editor's picks", "", "", "", None),
        ("New this week", "", "", "", None),
        ("Harbour highlights", "", "", "", None),
    ),
    "file": (
        ("Festival programme", "", "", "PDF, 2 pages.", None),
        ("Ferry timetable", "", "", "", None),
        ("Harbour map", "", "", "", None),
    ),
    "place": (
        ("Old pier", "", "", "", None),
        ("Harbour master's office", "", "", "", None),
        ("Lighthouse", "", "", "", None),
    ),
    "link": (
        ("Harbour authority", "", "", "", None),
        ("Weather service", "", "", "", None),
        ("Ferry bookings", "", "", "", None),
    ),
}


def seed(db: sqlite3.Connection, domain_ids: Iterable[int]) -> None:
    """Give every domain the seeded catalogue; running it again adds nothing."""
    for domain in domain_ids:
        for streamtype in STREAMTYPES:
            for item_id, (title, subtitle, teaser, description, runtime) in enumerate(
                SEED_ITEMS[streamtype], 1
            ):
                created = SEED_CREATED + STREAMTYPES.index(streamtype) * 3600 + item_id * 60
                db.execute(
                    "INSERT OR IGNORE INTO media_items (domain, streamtype, item_id, hash, title, subtitle, teaser,"
                    " description, runtime, created, uploaded, published, thumb)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                    (
                        domain,
                        streamtype,
                        item_id,
                        _seed_hash(domain, streamtype, item_id),
                        title,
                        subtitle,
                        teaser,
                        description,
                        runtime,
                        created,
                        created if streamtype in FILE_BASED else None,
                        f"https://images.example.com/{domain}/{streamtype}/{item_id}/cover.jpg",
                    ),
                )


def _seed_hash(domain: int, streamtype: str, item_id: int) -> str:
    return hashlib.sha256(f"{domain}:{streamtype}:{item_id}".encode()).hexdigest()[:12].upper()


def find(db: sqlite3.Connection, domain: int, streamtype: str, item_id: int) -> sqlite3.Row | None:
    return db.execute(
        "SELECT * FROM media_items WHERE domain = ? AND streamtype = ? AND item_id = ?",
        (domain, streamtype, item_id),
    ).fetchone()


def visible_item(
    db: sqlite3.Connection, domain: int, user_id: int | None, streamtype: str, item_id: int
) -> sqlite3.Row:
    """The item, if this user may see it; otherwise 404 (an unseen item does not exist for them)."""
    row = find(db, domain, streamtype, item_id)
    if row is None or not (row["published"] or (user_id is not None and row["owner"] == user_id)):
        raise ApiError(HTTPStatus.NOT_FOUND, f"no {streamtype} item {item_id} in this domain")
    return row


def create_item(
    db: sqlite3.Connection,
    domain: int,
    owner: int,
    streamtype: str,
    *,
    title: str,
    published: bool,
    subtitle: str = "",
    teaser: str = "",
    description: str = "",
    body: str | None = None,
    uploaded: float | None = None,
    thumb: str | None = None,
    from_capture: int = 0,
    for_user_story: int = 0,
    lat: float | None = None,
    lng: float | None = None,
    now: float,
) -> sqlite3.Row:
    """A new user-owned item with the next id of its streamtype (inside the caller's write transaction)."""
    next_id = _next_item_id(db, domain, streamtype)
    cursor = db.execute(
        "INSERT INTO media_items (domain, streamtype, item_id, hash, title, subtitle, teaser, description, body,"
        " runtime, created, uploaded, published, thumb, owner, from_capture, for_user_story, lat, lng)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        # 16 hex digits: never the length of a seeded hash (12), so the two can not collide.
        (
            domain,
            streamtype,
            next_id,
            secrets.token_hex(8).upper(),
            title,
            subtitle,
            teaser,
            description,
            body,
            now,
            uploaded,
            int(published),
            thumb,
            owner,
            from_capture,
            for_user_story,
            lat,
            lng,
        ),
    )
    return db.execute("SELECT * FROM media_items WHERE gid = ?", (cursor.lastrowid,)).fetchone()


def _next_item_id(db: sqlite3.Connection, domain: int, streamtype: str) -> int:
    # A counter, not MAX(item_id) + 1: the id of a removed item (its owner unregistered)
    # is never given to another item, so a client's stale reference can not name a stranger's item.
    db.execute(
        "INSERT OR IGNORE INTO media_item_ids (domain, streamtype, last) VALUES (?, ?,"
        " (SELECT COALESCE(MAX(item_id), 0) FROM media_items WHERE domain = ? AND streamtype = ?))",
        (domain, streamtype, domain, streamtype),
    )
    db.execute(
        "UPDATE media_item_ids SET last = last + 1 WHERE domain = ? AND streamtype = ?",
        (domain, streamtype),
    )
    return db.execute(
        "SELECT last FROM media_item_ids WHERE domain = ? AND streamtype = ?", (domain, streamtype)
    ).fetchone()[0]


def set_cover(db: sqlite3.Connection, gid: int, thumb: str) -> None:
    db.execute("UPDATE media_items SET thumb = ? WHERE gid = ?", (thumb, gid))


def created_item_view(row: sqlite3.Row) -> dict[str, Any]:
    """The contract's CreatedItem (the `itemupdate` a UGC call answers)."""
    return {
        "ID": row["item_id"],
        "GID": row["gid"],
        "hash": row["hash"],
        "streamtype": row["streamtype"],
        "isPublished": int(row["published"]),
    }


def flat_view(row: sqlite3.Row) -> dict[str, Any]:
    """The contract's FlatMediaItem (mediaDataLevel=flat)."""
    return {
        "ID": row["item_id"],
        "GID": row["gid"],
        "hash": row["hash"],
        "title": row["title"],
        "streamtype": row["streamtype"],
    }


def runtime_text(seconds: int) -> str:
    """A runtime as a real nexx system writes it: "HH:MM:SS" (a captured answer: "00:18:19")."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def general_view(row: sqlite3.Row) -> dict[str, Any]:
    """The contract's MediaGeneral; `runtime` only on items with a known length, `owner`
    only on user generated items."""
    general = {
        "ID": row["item_id"],
        "GID": row["gid"],
        "hash": row["hash"],
        "title": row["title"],
        "subtitle": row["subtitle"],
        "teaser": row["teaser"],
        "description": row["description"],
        "streamtype": row["streamtype"],
        "created": int(row["created"]),
        "uploaded": int(row["uploaded"]) if row["uploaded"] is not None else None,
        "isPublished": int(row["published"]),
    }
    if row["runtime"] is not None:
        general["runtime"] = runtime_text(row["runtime"])
    if row["owner"] is not None:
        general["owner"] = row["owner"]
    return general


def item_view(
    row: sqlite3.Row,
    flat: bool,
    interactiondata: dict[str, Any] | None = None,
    interaction: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A MediaItem (with the counts of all users' interactions and, on a user list, the
    user's relation) or, with flat, a FlatMediaItem."""
    if flat:
        return flat_view(row)
    item: dict[str, Any] = {"general": general_view(row), "imagedata": {"thumb": row["thumb"]}}
    if interactiondata is not None:
        item["interactiondata"] = interactiondata
    if interaction is not None:
        item["interaction"] = interaction
    return item


def search(
    db: sqlite3.Connection, domain: int, query: str, streamtype: str | None
) -> list[sqlite3.Row]:
    """Published items whose title, subtitle, teaser or description contains the query, any case.

    Matched in Python: SQLite's LIKE and lower() fold ASCII only, and "Ü" must find "ü".
    """
    sql = "SELECT * FROM media_items WHERE domain = ? AND published = 1"
    args: list[Any] = [domain]
    if streamtype:
        sql += " AND streamtype = ?"
        args.append(streamtype)
    needle = query.casefold()
    return [
        row
        for row in db.execute(sql, args)
        if any(
            needle in (row[column] or "").casefold()
            for column in ("title", "subtitle", "teaser", "description")
        )
    ]
