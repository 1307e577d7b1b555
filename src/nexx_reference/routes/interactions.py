"""Routes of /interactions/...: every operation names an item the user can see (404
otherwise), removecomment its comment; each answers what it did as an itemupdate."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from .. import clock
from ..context import Call, Handler
from ..domain import catalogue, interactions
from ..envelope import Reply, itemupdate

# What an interaction does once its item is found: (db, user, item, call, now) -> the result's fields.
Action = Callable[[sqlite3.Connection, int, sqlite3.Row, Call, float], dict[str, Any]]


def interaction(action: Action) -> Handler:
    async def handler(call: Call) -> Reply:
        params, now = call.params, clock.now()
        with call.db.write() as db:
            item = catalogue.visible_item(
                db, call.domain.id, call.user_id, params["streamtype"], params["item"]
            )
            outcome = action(db, call.user_id, item, call, now)
        return itemupdate(
            {
                "action": call.operation.operation_id,
                "item": params["item"],
                "streamtype": params["streamtype"],
                **outcome,
            }
        )

    return handler


def membership(list_name: str, adds: bool) -> Handler:
    if adds:
        return interaction(
            lambda db, user, item, call, now: interactions.add(
                db, user, list_name, item["gid"], now
            )
        )
    return interaction(
        lambda db, user, item, call, now: interactions.remove(db, user, list_name, item["gid"])
    )


async def removecomment(call: Call) -> Reply:
    # The docs: "this Method needs the Comment ID as item, not as usual the Media ID".
    with call.db.write() as db:
        outcome = interactions.remove_comment(db, call.domain.id, call.user_id, call.params["item"])
    return itemupdate({"action": "removecomment", **outcome})


HANDLERS: dict[str, Handler] = {
    operation_id: membership(list_name, adds)
    for operation_id, (list_name, adds) in interactions.MEMBERSHIP.items()
}
HANDLERS.update(
    {
        "removecomment": removecomment,
        "addrate": interaction(
            lambda db, user, item, call, now: interactions.rate(
                db, user, item["gid"], call.params["rating"], now
            )
        ),
        "addcomment": interaction(
            lambda db, user, item, call, now: interactions.add_comment(
                db, user, item["gid"], call.params["text"], now
            )
        ),
        "purchase": interaction(
            lambda db, user, item, call, now: interactions.purchase(
                db, user, item["gid"], call.params.get("duration"), now
            )
        ),
        "addtowatched": interaction(
            lambda db, user, item, call, now: interactions.watched(
                db, user, item, call.params.get("progress", 0), call.params.get("completed", 0), now
            )
        ),
    }
)
