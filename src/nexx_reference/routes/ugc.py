"""Routes of user generated articles, playlists and collections: 201 with the new item's itemupdate."""

from __future__ import annotations

from http import HTTPStatus

from .. import clock
from ..context import Call, Handler
from ..domain import catalogue, ugc
from ..envelope import Reply, itemupdate


def creates(streamtype: str) -> Handler:
    async def handler(call: Call) -> Reply:
        with call.db.write() as db:
            row = ugc.create(db, call.domain, call.user_id, streamtype, call.params, clock.now())
        return itemupdate(catalogue.created_item_view(row), status=HTTPStatus.CREATED)

    return handler


HANDLERS = {
    operation_id: creates(streamtype) for operation_id, streamtype in ugc.STREAMTYPE_OF.items()
}
