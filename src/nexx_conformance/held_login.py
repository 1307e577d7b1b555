"""Completing a login held for a second factor with what the user enrolled (the cleanup).

A held login (202) says what it waits for (contracts/paths/twofactor.yaml):
  needs-device-code, codetype app -> POST user/authorizedevice type=app, code of the app;
  needs-device-code, codetype sms -> the same with type=sms and the code texted to the phone;
  needs-u2f -> POST user/authorizelogin with the security key's assertion over
               `result.webauthn` and the host it is bound to (origin https://<host>).
`user.second_factors` holds the apps (anything with `code()`) and security keys (anything
with `authenticate(options)`) the steps enrolled; the latest enrolled is tried first.
"""

from __future__ import annotations

import json

from nexx_conformance.channels import Channel, NoMessage
from nexx_conformance.client import Session
from nexx_conformance.envelope import ApiResponse

NEEDS_DEVICE_CODE = "needs-device-code"
NEEDS_U2F = "needs-u2f"
APP, SMS = "app", "sms"
# The SMS leaves after the login was answered.
SMS_WAIT = 10.0
# Texts tried for one held login; servers throttle after a few wrong codes (the reference
# server after 5).
SMS_TRIES = 3


def completed(session: Session, user, login: ApiResponse, sms_inbox: Channel | None) -> str | None:
    """None when the held `login` of `session` is complete (logged in), else why not."""
    result = login.fields
    state, codetype = result.get("loginstate"), result.get("codetype")
    if state == NEEDS_U2F:
        return with_security_key(session, user, result.get("webauthn"))
    if state == NEEDS_DEVICE_CODE and codetype == APP:
        return with_app_code(session, user)
    if state == NEEDS_DEVICE_CODE and codetype == SMS:
        return with_texted_code(session, user, sms_inbox)
    return f"its login is held for {state} ({codetype}), which the cleanup cannot give"


def with_app_code(session: Session, user) -> str | None:
    apps = [factor for factor in reversed(user.second_factors) if hasattr(factor, "code")]
    if not apps:
        return (
            "its login is held for an app code, and no authenticator app was handed to the cleanup"
        )
    answer = None
    for app in apps:
        answer = session.post("user/authorizedevice", type=APP, code=app.code())
        if answer.ok:
            return None
    return f"its login is held for an app code, and the app's code was refused: {status_of(answer)}"


def with_security_key(session: Session, user, options) -> str | None:
    keys = [factor for factor in reversed(user.second_factors) if hasattr(factor, "authenticate")]
    if not keys:
        return "its login is held for a security key, and none was handed to the cleanup"
    if not isinstance(options, dict):
        return "its login is held for a security key, and the answer holds no WebAuthn options"
    host = options.get("rpId")
    answer = None
    for key in keys:
        try:
            assertion = key.authenticate(options, origin=f"https://{host}")
        except LookupError:  # this key holds no credential the options allow
            continue
        answer = session.post("user/authorizelogin", token=json.dumps(assertion), host=host)
        if answer.ok:
            return None
    if answer is None:
        return f"its login is held for a security key, and no key handed to the cleanup holds one for {host}"
    return (
        f"its login is held for a security key, and the assertion was refused: {status_of(answer)}"
    )


def with_texted_code(session: Session, user, sms_inbox: Channel | None) -> str | None:
    phone = getattr(user, "phone", None)
    if sms_inbox is None or not phone:
        return (
            "its login is held for an SMS code, and the cleanup has no SMS inbox or no phone number"
        )
    answer = None
    # The texts its tests left unread were taken before the login (forget_old_texts), but
    # one still on its way then comes first: the next ones are tried, below the throttle.
    for _ in range(SMS_TRIES):
        try:
            code = sms_inbox.wait_for(phone, timeout=SMS_WAIT).code
        except NoMessage:
            break
        answer = session.post("user/authorizedevice", type=SMS, code=code)
        if answer.ok:
            return None
    if answer is None:
        return "its login is held for an SMS code, and no SMS arrived"
    return f"its login is held for an SMS code, which was refused: {status_of(answer)}"


def forget_old_texts(user, sms_inbox: Channel | None) -> None:
    """Take the SMS its tests left unread, so the next one to the phone is the login's code."""
    phone = getattr(user, "phone", None)
    if sms_inbox is None or not phone:
        return
    while True:
        try:
            sms_inbox.wait_for(phone, timeout=0)
        except NoMessage:
            return


def status_of(answer: ApiResponse) -> str:
    hint = f" ({answer.errorhint})" if answer.errorhint else ""
    return f"HTTP {answer.status}{hint}"
