"""Route of /media/byquery: search the published catalogue; a logged-in user's finds are remembered."""

from __future__ import annotations

from .. import clock
from ..context import Call
from ..domain import catalogue, interactions
from ..domain.media_lists import DEFAULT_LIMIT
from ..envelope import Reply
from . import handler

SORT_KEYS = {
    "ID": lambda row: (row["item_id"], row["streamtype"]),
    "title": lambda row: (row["title"].casefold(), row["gid"]),
    "created": lambda row: (row["created"], row["gid"]),
}


@handler
async def byquery(call: Call) -> Reply:
    params = call.params
    start, limit = params.get("start", 0), params.get("limit", DEFAULT_LIMIT)
    with call.db.read() as db:
        found = catalogue.search(db, call.domain.id, params["query"], params.get("streamtype"))
    found.sort(
        key=SORT_KEYS[params.get("orderBy", "ID")], reverse=params.get("orderDir", "ASC") == "DESC"
    )
    shown = found[start : start + limit]
    gids = [row["gid"] for row in shown]
    # Only a logged-in user has a search history; the eternal and anonymous sessions search without one.
    if call.caller.user_id is not None and shown:
        with call.db.write() as db:
            interactions.record_found(db, call.caller.user_id, gids, clock.now())
    flat = params.get("mediaDataLevel") == "flat"
    counted = {}
    if not flat:
        with call.db.read() as db:
            counted = interactions.counts(db, gids)
    # No `interaction`: a search result is not a relation of the user.
    return Reply(
        [catalogue.item_view(row, flat, counted.get(row["gid"])) for row in shown],
        paging={"start": start, "limit": limit, "resultcount": len(found)},
    )
