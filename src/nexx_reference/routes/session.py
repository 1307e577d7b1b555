"""Routes of the session context: init, login, logout, keepalive."""

from __future__ import annotations

from http import HTTPStatus

from ..context import Call
from ..domain import login, second_factor, sessions, throttles
from ..envelope import ApiError, Reply


async def init(call: Call) -> Reply:
    params = call.params
    with call.db.write() as db:
        session = sessions.create(
            db,
            call.domain.id,
            call.settings.session_ttl,
            device_hash=params.get("nxp_devh"),
            device_name=params.get("deviceName"),
            persistent=params.get("forcePersistantSession") == 1,
        )
        # As a real nexx system answers init: no word on who is logged in (nobody yet).
        result = sessions.session_view(db, session, is_new=True, with_login=False)
    return Reply(result, status=HTTPStatus.CREATED)


async def login_(call: Call) -> Reply:
    session = _own_session(call)
    name = login.throttled_name(call.params)
    if name is not None:
        with call.db.read() as db:
            throttles.ensure_allowed(db, "login", name)
    try:
        user = await login.authenticate_user(
            call.db, call.services.passwords, call.domain, call.params
        )
    except ApiError as refused:
        if name is not None and refused.status == HTTPStatus.FORBIDDEN:
            with call.db.write() as db:
                throttles.count(db, "login", name)
        raise
    with call.db.write() as db:
        if name is not None:
            throttles.clear(db, "login", name)
        login.ensure_may_log_in(db, call.domain, user)
        held = second_factor.hold_for_login(db, call.domain, session, user, call.settings.secret)
        if held is None:
            sessions.log_in(db, session, user["id"], call.settings.session_ttl)
            result = sessions.session_view(db, sessions.find(db, call.domain.id, session.cid))
    if held is not None:
        await second_factor.deliver(call.services.sms, held.sms)
        return Reply(held.result, status=HTTPStatus.ACCEPTED)
    return Reply(result)


async def logout(call: Call) -> Reply:
    session = _own_session(call)
    with call.db.write() as db:
        sessions.log_out(db, session)
        result = sessions.session_view(db, sessions.find(db, call.domain.id, session.cid))
    return Reply(result)


async def keepalive(call: Call) -> Reply:
    session = _own_session(call)
    with call.db.write() as db:
        sessions.keep_alive(db, session, call.settings.session_ttl)
        result = sessions.session_view(db, sessions.find(db, call.domain.id, session.cid))
    return Reply(result)


def _own_session(call: Call) -> sessions.Session:
    if call.session is None:
        # Only the eternal session has no row; it cannot log in, out or be kept alive.
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            "the eternal session has no login; use a session from /session/init",
        )
    return call.session


HANDLERS = {"init": init, "login": login_, "logout": logout, "keepalive": keepalive}
