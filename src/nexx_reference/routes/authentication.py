"""Routes of passwords: requestpass, resetpassword, changepassword, verifypassword."""

from __future__ import annotations

from http import HTTPStatus

from ..context import Call
from ..domain import passwords, throttles, users
from ..envelope import ApiError, Reply, itemupdate
from ..mail import mail_text
from . import handler


@handler
async def requestpass(call: Call) -> Reply:
    with call.db.write() as db:
        mail = passwords.request_reset(db, call.domain.id, call.params["token"])
    if mail is not None:
        # After the answer, so its timing does not tell whether an account was found.
        mailer = call.services.mail
        text = mail_text(passwords.RESET, mailer.link(passwords.RESET, mail.token))
        mailer.send_after_answer(passwords.RESET, mail.to, text)
    return Reply({"status": "requested"})


@handler
async def resetpassword(call: Call) -> Reply:
    new_hash = await call.services.passwords.hash(call.params["newpassword"])
    with call.db.write() as db:
        user_id = passwords.reset(db, call.domain.id, call.params["token"], new_hash)
    return itemupdate({"ID": user_id, "status": "updated"})


@handler
async def changepassword(call: Call) -> Reply:
    user_id = call.user_id
    with call.db.read() as db:
        user = users.by_id(db, call.domain.id, user_id)
    stored = user["password_hash"] if user is not None else None
    if not await call.services.passwords.matches(stored, call.params["currentpassword"]):
        raise ApiError(
            HTTPStatus.FORBIDDEN, "the current password is wrong; the password was not changed"
        )
    new_hash = await call.services.passwords.hash(call.params["newpassword"])
    with call.db.write() as db:
        # Compare-and-set: if the password changed since the check above, the
        # currentpassword given is no longer the current one.
        changed = passwords.change(db, user_id, stored, new_hash)
    if not changed:
        raise ApiError(
            HTTPStatus.FORBIDDEN, "the current password is wrong; the password was not changed"
        )
    return itemupdate({"ID": user_id, "status": "updated"})


@handler
async def verifypassword(call: Call) -> Reply:
    with call.db.read() as db:
        throttles.ensure_allowed(db, "verifypassword", call.user_id)
        user = users.by_id(db, call.domain.id, call.user_id)
    stored = user["password_hash"] if user is not None else None
    matches = await call.services.passwords.matches(stored, call.params["password"])
    with call.db.write() as db:
        if matches:
            throttles.clear(db, "verifypassword", call.user_id)
        else:
            throttles.count(db, "verifypassword", call.user_id)
    return Reply({"matches": int(matches)})
