"""Routes of registration: register, registeranonymous, the uniqueness checks, authorize
and the backend's resendwelcomemail."""

from __future__ import annotations

from http import HTTPStatus

from ..context import Call
from ..domain import mail_tokens, registration, sessions, users
from ..envelope import ApiError, Reply, itemupdate
from ..mail import mail_text
from . import handler


@handler
async def register(call: Call) -> Reply:
    params = call.params
    password = params.get("password")
    password_hash = await call.services.passwords.hash(password) if password else None
    may_log_in = (
        call.session is not None
        and params.get("skipLogin") != 1
        and params.get("isPreRegister") != 1
    )
    with call.db.write() as db:
        new = registration.register(db, call.domain, params, password_hash)
        # Authorized at once (AutoAuthorize): the session is logged in unless asked not to.
        if new.authorized and may_log_in:
            sessions.log_in(db, call.session, new.user_id, call.settings.session_ttl)
            session = sessions.session_view(db, sessions.find(db, call.domain.id, call.session.cid))
            answer = Reply(session, status=HTTPStatus.CREATED)
        else:
            # Not logged in: "the API will return an itemupdate Object" (the User page).
            answer = itemupdate(
                {
                    "ID": new.user_id,
                    "GID": new.user_id,
                    "status": "preregistered" if new.preregistered else "registered",
                    "authorized": int(new.authorized),
                },
                status=HTTPStatus.CREATED,
            )
    await _send_registration_mail(call, new.mail_type, new.email, new.authorize_token)
    return answer


@handler
async def registeranonymous(call: Call) -> Reply:
    if call.session is None:
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            "the eternal session cannot be logged in; use a session from /session/init",
        )
    password = call.params.get("password")
    password_hash = await call.services.passwords.hash(password) if password else None
    with call.db.write() as db:
        user_id = registration.register_anonymous(db, call.domain, call.params, password_hash)
        sessions.log_in(db, call.session, user_id, call.settings.session_ttl)
        result = sessions.session_view(db, sessions.find(db, call.domain.id, call.session.cid))
    return Reply(result, status=HTTPStatus.CREATED)


@handler
async def verifyaccountdetailsunique(call: Call) -> Reply:
    with call.db.read() as db:
        return Reply(registration.is_unique(db, call.domain.id, call.params["item"]))


@handler
async def verifytokenunique(call: Call) -> Reply:
    with call.db.read() as db:
        return Reply(
            registration.is_token_unique(
                db, call.domain.id, call.params["provider"], call.params["token"]
            )
        )


@handler
async def authorize(call: Call) -> Reply:
    with call.db.write() as db:
        user_id = registration.authorize(db, call.domain, call.params["token"])
    return itemupdate({"ID": user_id, "status": "authorized", "authorized": 1})


@handler
async def resendwelcomemail(call: Call) -> Reply:
    user_id = call.params["forUserID"]
    with call.db.write() as db:
        user = users.by_id(db, call.domain.id, user_id)
        if user is None:
            raise ApiError(HTTPStatus.NOT_FOUND, f"no user {user_id} in domain {call.domain.id}")
        if not user["email"]:
            raise ApiError(HTTPStatus.NOT_FOUND, f"user {user_id} has no email address to send to")
        token = None
        if not user["authorized"]:
            mail_type, token = "authorize", mail_tokens.issue(db, "authorize", user_id)
        else:
            mail_type = "preregister" if user["preregistered"] else "welcome"
    await _send_registration_mail(call, mail_type, user["email"], token)
    return Reply({"status": "mailed", "mailtype": mail_type})


async def _send_registration_mail(
    call: Call, mail_type: str | None, to: str | None, token: str | None
) -> None:
    if mail_type is None or not to:
        return
    mail = call.services.mail
    link = mail.link("authorize", token) if token else None
    await mail.send(mail_type, to, mail_text(mail_type, link))
