"""File uploads: a signed, expiring upload URL (prepare), the bytes (PUT), and what the
file becomes (finish).

The upload URL `{base}/{domainid}/upload/{file}?user=..&expires=..&max=..&sig=..` carries
its own authorization: `sig` is HMAC-SHA256, under a key derived from the domain secret,
over the server file name, the user, the expiry and the size limit. Whoever holds the URL
may PUT the file until it expires; nothing else (no session) is needed or accepted.
The bytes are kept in SQLite beside the ticket, so /unregister removes them too.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from .. import faults
from ..envelope import ApiError
from ..settings import DomainSettings
from . import catalogue, ugc

UPLOAD_TTL = 15 * 60
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PROFILE_CONTEXTS = ("profilepicture", "profilebackground")
NEW_ITEM_CONTEXTS = ("image", "video")
COVER_CONTEXTS = {
    "videocover": "video",
    "articlecover": "article",
    "playlistcover": "playlist",
    "collectioncover": "collection",
}
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,10})$")


@dataclass(frozen=True)
class Ticket:
    file: str
    user_id: int
    expires: int
    max_size: int


def upload_key(secret: str, domain: int) -> bytes:
    """The server key of one domain's upload URLs, derived so the domain secret itself never signs a URL."""
    return hmac.new(
        secret.encode(), f"nexx-reference upload URLs of domain {domain}".encode(), hashlib.sha256
    ).digest()


def signature(key: bytes, file: str, user_id: int, expires: int, max_size: int) -> str:
    return hmac.new(
        key, f"{file}\n{user_id}\n{expires}\n{max_size}".encode(), hashlib.sha256
    ).hexdigest()


def prepare(
    db: sqlite3.Connection, domain: int, user_id: int, params: Mapping[str, Any], now: float
) -> Ticket:
    """A new server file name (random, with the original's extension) and its ticket."""
    extension = _EXTENSION.search(params["file"])
    name = f"u{user_id}-{secrets.token_hex(8)}" + (
        f".{extension.group(1).lower()}" if extension else ""
    )
    ticket = Ticket(name, user_id, int(now) + UPLOAD_TTL, MAX_UPLOAD_BYTES)
    db.execute(
        "INSERT INTO uploads (file, domain, user_id, original, from_capture, for_user_story, expires, max_size)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ticket.file,
            domain,
            user_id,
            params["file"],
            params.get("fromCapture", 0),
            params.get("forUserStory", 0),
            ticket.expires,
            ticket.max_size,
        ),
    )
    return ticket


def check_upload_url(
    secret: str, domain: int, file: str, query: Mapping[str, str], now: float
) -> Ticket:
    """The ticket an upload URL stands for, or 403 if it was altered or has expired."""
    try:
        ticket = Ticket(file, int(query["user"]), int(query["expires"]), int(query["max"]))
        sent = query["sig"]
    except (KeyError, ValueError):
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            "incomplete upload URL: use the uploadURL of /user/prepareupload as it is",
        ) from None
    expected = signature(
        upload_key(secret, domain), file, ticket.user_id, ticket.expires, ticket.max_size
    )
    if not hmac.compare_digest(expected.encode(), sent.encode()) and not faults.active(
        "upload-signature-not-checked"
    ):
        raise ApiError(HTTPStatus.FORBIDDEN, "invalid upload URL signature: the URL was altered")
    if ticket.expires <= now:
        raise ApiError(HTTPStatus.FORBIDDEN, "the upload URL has expired: prepare the upload again")
    return ticket


def store(db: sqlite3.Connection, domain: int, ticket: Ticket, data: bytes, now: float) -> bool:
    """Keep the bytes of a prepared upload; True the first time, False when they replace earlier ones."""
    row = db.execute(
        "SELECT * FROM uploads WHERE file = ? AND domain = ?", (ticket.file, domain)
    ).fetchone()
    if row is None or row["user_id"] != ticket.user_id:
        raise ApiError(
            HTTPStatus.NOT_FOUND, "no such prepared upload (its user may have been removed)"
        )
    if row["finished"] is not None:
        raise ApiError(HTTPStatus.CONFLICT, "this upload was already finished; prepare a new one")
    db.execute("UPDATE uploads SET data = ?, uploaded = ? WHERE file = ?", (data, now, ticket.file))
    return row["data"] is None


def finished_file(db: sqlite3.Connection, domain: int, file: str) -> sqlite3.Row | None:
    """A finished upload's bytes, which are public (covers, profile images); None otherwise."""
    return db.execute(
        "SELECT file, data FROM uploads WHERE file = ? AND domain = ? AND finished IS NOT NULL",
        (file, domain),
    ).fetchone()


def finish(
    db: sqlite3.Connection,
    domain: DomainSettings,
    user_id: int,
    params: Mapping[str, Any],
    file_url: str,
    now: float,
) -> dict[str, Any]:
    """Turn an uploaded file into what `context` says; the contract's FinishedUpload."""
    row = db.execute(
        "SELECT * FROM uploads WHERE file = ? AND domain = ?", (params["file"], domain.id)
    ).fetchone()
    if row is None:
        raise ApiError(
            HTTPStatus.NOT_FOUND, "unknown file: use the `file` returned by /user/prepareupload"
        )
    if row["user_id"] != user_id:
        raise ApiError(HTTPStatus.FORBIDDEN, "this file was prepared by another user")
    if row["finished"] is not None:
        raise ApiError(HTTPStatus.CONFLICT, "this upload was already finished")
    if row["data"] is None and not faults.active("finish-without-bytes-accepted"):
        raise ApiError(
            HTTPStatus.CONFLICT, "the file has not arrived yet: PUT it to the uploadURL first"
        )
    context = params["context"]
    for_user_story = params.get("forUserStory", row["for_user_story"])
    item = streamtype = None
    if context in PROFILE_CONTEXTS:
        db.execute(
            "INSERT INTO profile_images (user_id, kind, file, url) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, kind) DO UPDATE SET file = excluded.file, url = excluded.url",
            (user_id, context, row["file"], file_url),
        )
    elif context in NEW_ITEM_CONTEXTS:
        new = catalogue.create_item(
            db,
            domain.id,
            user_id,
            context,
            title=params.get("mediaTitle") or params.get("originalFile") or row["original"],
            description=params.get("mediaDescription", ""),
            uploaded=row["uploaded"],
            # An image is its own cover; a video gets one with context=videocover.
            thumb=file_url if context == "image" else None,
            from_capture=row["from_capture"] if context == "video" else 0,
            for_user_story=for_user_story,
            lat=params.get("lat"),
            lng=params.get("lng"),
            published=ugc.is_published(domain, True),
            now=now,
        )
        item, streamtype = new["item_id"], context
    else:
        streamtype = COVER_CONTEXTS[context]
        target = catalogue.visible_item(db, domain.id, user_id, streamtype, params["item"])
        if target["owner"] != user_id:
            raise ApiError(
                HTTPStatus.FORBIDDEN, f"{streamtype} {params['item']} belongs to somebody else"
            )
        catalogue.set_cover(db, target["gid"], file_url)
        item = target["item_id"]
    db.execute(
        "UPDATE uploads SET finished = ?, context = ? WHERE file = ?", (now, context, row["file"])
    )
    return {
        "file": row["file"],
        "context": context,
        "item": item,
        "streamtype": streamtype,
        "forUserStory": for_user_story,
    }


PROFILE_FIELD_OF_CONTEXT = {"profilepicture": "picture", "profilebackground": "background"}


def profile_fields(
    db: sqlite3.Connection, user_id: int, params: Mapping[str, Any]
) -> dict[str, Any]:
    """The profile's `picture` and `background`: the URLs of the finished profile uploads."""
    rows = db.execute(
        "SELECT kind, url FROM profile_images WHERE user_id = ?", (user_id,)
    ).fetchall()
    return {PROFILE_FIELD_OF_CONTEXT[row["kind"]]: row["url"] for row in rows}
