"""Routes of the logged-in user's account: profile, updates, push, takeout, unsubscribe, unregister."""

from __future__ import annotations

from http import HTTPStatus

from ..context import Call
from ..domain import account, users
from ..domain import profile as profiles
from ..envelope import ApiError, Reply, itemupdate
from ..mail import mail_text
from . import handler


@handler
async def profile(call: Call) -> Reply:
    with call.db.read() as db:
        view = profiles.user_view_by_id(db, call.domain.id, call.user_id, call.params)
    if view is None:
        raise ApiError(HTTPStatus.NOT_FOUND, "the logged-in user no longer exists")
    return Reply(view)


@handler
async def updatedata(call: Call) -> Reply:
    with call.db.write() as db:
        account.update_details(db, call.domain.id, call.user_id, call.params)
    return itemupdate({"ID": call.user_id, "status": "updated"})


@handler
async def updatestatus(call: Call) -> Reply:
    with call.db.write() as db:
        account.update_status(db, call.user_id, call.params["status"])
    return itemupdate({"ID": call.user_id, "status": "updated"})


@handler
async def updatechannelsubscriptions(call: Call) -> Reply:
    params = call.params
    with call.db.write() as db:
        stored = account.subscribe_channel(
            db, call.user_id, params["channel"], params.get("viamail", 0), params.get("viapush", 0)
        )
    return itemupdate(stored)


@handler
async def registerdeviceforpush(call: Call) -> Reply:
    with call.db.write() as db:
        result = account.register_push_device(
            db, call.user_id, call.session.device_hash, call.params["token"]
        )
    return itemupdate(result)


@handler
async def requesttakeout(call: Call) -> Reply:
    with call.db.write() as db:
        result = account.request_takeout(db, call.user_id)
        user = users.by_id(db, call.domain.id, call.user_id)
    if user is not None and user["email"]:
        await call.services.mail.send("takeout", user["email"], mail_text("takeout"))
    return itemupdate(result)


@handler
async def unsubscribe(call: Call) -> Reply:
    with call.db.write() as db:
        account.unsubscribe_newsletters(db, call.user_id)
    return itemupdate({"ID": call.user_id, "status": "unsubscribed"})


@handler
async def unregister(call: Call) -> Reply:
    user_id = call.user_id
    with call.db.write() as db:
        account.unregister(db, user_id)
    return itemupdate({"ID": user_id, "status": "removed"})
