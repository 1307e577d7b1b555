"""Routes of the 15 media lists (/user/history, ...): the logged-in user's, or with the
eternal session the list of `forUserID` (the call context has already refused every
other combination with 403)."""

from __future__ import annotations

from http import HTTPStatus

from ..context import Call, Handler
from ..domain import media_lists, users
from ..envelope import ApiError, Reply


def list_owner(call: Call) -> int:
    """The user whose list is asked for: forUserID (eternal session only) or the caller."""
    if "forUserID" not in call.params:
        return call.user_id
    user_id = call.params["forUserID"]
    with call.db.read() as db:
        if users.by_id(db, call.domain.id, user_id) is None:
            raise ApiError(HTTPStatus.NOT_FOUND, f"no user {user_id} in this domain")
    return user_id


def media_list(list_name: str) -> Handler:
    async def handler(call: Call) -> Reply:
        declared = frozenset(parameter.name for parameter in call.operation.parameters)
        query = media_lists.ListQuery.from_params(
            list_name, list_owner(call), call.params, declared
        )
        with call.db.read() as db:
            items, total = media_lists.page(db, query)
        return Reply(
            items, paging={"start": query.start, "limit": query.limit, "resultcount": total}
        )

    return handler


async def historyformerge(call: Call) -> Reply:
    user_id = list_owner(call)
    with call.db.read() as db:
        return Reply(media_lists.history_for_merge(db, user_id, call.params))


HANDLERS: dict[str, Handler] = {list_name: media_list(list_name) for list_name in media_lists.LISTS}
HANDLERS["historyformerge"] = historyformerge
