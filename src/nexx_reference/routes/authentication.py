"""Routes of passwords: requestpass, resetpassword, changepassword, verifypassword."""

from __future__ import annotations

import asyncio
from http import HTTPStatus

from .. import faults
from ..context import Call
from ..domain import mail_tokens, throttles, users
from ..envelope import ApiError, Reply, itemupdate
from ..mail import mail_text
from . import handler

# Mails of requestpass go out after the answer, so its timing does not tell whether an
# account was found; the tasks are kept here until done (asyncio holds only weak refs).
_pending_mails: set[asyncio.Task] = set()


@handler
async def requestpass(call: Call) -> Reply:
    given = call.params["token"]
    with call.db.write() as db:
        # Counted whether an account matched or not, so the throttle reveals nothing either.
        throttles.ensure_allowed(db, "requestpass", throttles.name_key(given))
        throttles.count(db, "requestpass", throttles.name_key(given))
        user = users.by_login_name(db, call.domain.id, given) or users.by_phone(
            db, call.domain.id, given
        )
        token = None
        if user is not None and user["authorized"] and user["email"]:
            token = mail_tokens.issue(db, "resetpassword", user["id"])
    if token is not None:
        mail = call.services.mail
        text = mail_text("resetpassword", mail.link("resetpassword", token))
        task = asyncio.create_task(mail.send("resetpassword", user["email"], text))
        _pending_mails.add(task)
        task.add_done_callback(_pending_mails.discard)
    return Reply({"status": "requested"})


@handler
async def resetpassword(call: Call) -> Reply:
    new_hash = await call.services.passwords.hash(call.params["newpassword"])
    with call.db.write() as db:
        user_id = mail_tokens.redeem(db, "resetpassword", call.params["token"], call.domain.id)
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (new_hash, user_id))
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
        changed = (
            1
            if faults.active("password-change-not-persisted")
            else db.execute(
                "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash IS ?",
                (new_hash, user_id, stored),
            ).rowcount
        )
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
