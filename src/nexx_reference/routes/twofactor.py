"""Routes of second factors: held logins (codes, U2F assertions) and the enrolment of
authenticator apps and U2F/WebAuthn devices (contract: paths/twofactor.yaml)."""

from __future__ import annotations

from http import HTTPStatus

from ..context import Call
from ..domain import second_factor, throttles, totp, users, webauthn_devices
from ..domain.sessions import Session
from ..envelope import ApiError, Reply, itemupdate
from . import handler

WRONG_CODE = "wrong or expired code; the login is still waiting for the right one"


def _session(call: Call) -> Session:
    if call.session is None:
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            "the eternal session has no login; use a session from /session/init",
        )
    return call.session


@handler
async def authorizedevice(call: Call) -> Reply:
    session = _session(call)
    codetype = call.params.get("type", second_factor.SMS)
    with call.db.write() as db:
        # A wrong code is counted in this transaction, so the refusal comes after it.
        right = second_factor.try_device_code(
            db, session, codetype, call.params["code"], call.settings.secret
        )
        if right:
            result = second_factor.complete_login(db, session, call.settings.session_ttl)
    if not right:
        raise ApiError(HTTPStatus.FORBIDDEN, WRONG_CODE)
    return Reply(result)


@handler
async def requestkeycode(call: Call) -> Reply:
    session = _session(call)
    with call.db.write() as db:
        result, sms = second_factor.request_new_code(db, call.domain, session, call.settings.secret)
    await second_factor.deliver(call.services.sms, sms)
    return Reply(result)


@handler
async def authorizelogin(call: Call) -> Reply:
    session = _session(call)
    host = call.params["host"]
    credential = webauthn_devices.parse_assertion(call.params["token"])
    with call.db.read() as db:
        held = second_factor.u2f_challenge(db, session)
        throttles.ensure_allowed(db, "authorizelogin", held.user_id)
    try:
        with call.db.write() as db:
            held = second_factor.u2f_challenge(db, session)
            if host != held.host:
                raise ApiError(
                    HTTPStatus.FORBIDDEN,
                    f"this login's U2F challenge is for host {held.host}, not {host}",
                )
            webauthn_devices.verify_login(db, held.user_id, credential, held.challenge, host)
            result = second_factor.complete_login(db, session, call.settings.session_ttl)
            throttles.clear(db, "authorizelogin", held.user_id)
    except ApiError as refused:
        # The refused assertion's transaction is rolled back: the count needs its own.
        if refused.status == HTTPStatus.FORBIDDEN:
            with call.db.write() as db:
                throttles.count(db, "authorizelogin", held.user_id)
        raise
    return Reply(result)


@handler
async def prepareregisteru2fdevice(call: Call) -> Reply:
    with call.db.write() as db:
        user = users.by_id(db, call.domain.id, call.user_id)
        result = webauthn_devices.prepare_registration(
            db, _session(call).cid, user, call.params["host"]
        )
    return Reply(result)


@handler
async def finishregisteru2fdevice(call: Call) -> Reply:
    host, user_id = call.params["host"], call.user_id
    credential = webauthn_devices.parse_registration(call.params["token"])
    # The challenge is used up whether the attestation verifies or not: its own transaction.
    with call.db.write() as db:
        challenge = webauthn_devices.take_registration_challenge(
            db, _session(call).cid, user_id, host
        )
    verified = webauthn_devices.verify_registration(credential, challenge, host)
    with call.db.write() as db:
        result = webauthn_devices.add_device(db, user_id, host, verified)
    return itemupdate(result)


@handler
async def prepareregisterauthenticator(call: Call) -> Reply:
    with call.db.write() as db:
        user = users.by_id(db, call.domain.id, call.user_id)
        result = totp.prepare(db, user)
    return Reply(result)


@handler
async def finishregisterauthenticator(call: Call) -> Reply:
    process, session = call.params["process"], _session(call)
    with call.db.write() as db:
        proven = totp.finish(db, call.user_id, process, call.params.get("code"))
        if proven:
            # The code shows the app works on the device it was set up on.
            second_factor.trust_device(db, call.user_id, session.device_hash)
    return itemupdate({"process": process, "status": "enrolled"})
