"""SMS two-factor: a login from a new device waits for the code the SMS webhook got."""

from __future__ import annotations

import logging
import time
from http import HTTPStatus

from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_reference.server import start_in_thread
from nexx_reference.settings import DomainSettings
from nexx_reference.storage import Database

from .conftest import Api, make_settings
from .second_factor_helpers import (  # noqa: F401 - fixtures are found by name
    SMS_DOMAIN,
    authorize_device,
    held_login,
    log_in,
    new_phone,
    other_code,
    plain_api_fixture,
    profile_of,
    register,
    sms_api_fixture,
    sms_code,
    sms_sink_fixture,
    storage_fixture,
    two_factor_server_fixture,
)


def test_login_from_new_device_is_held_until_code(sms_api: Api, sms_sink: SmsWebhookSink) -> None:
    person = register(sms_api, phone=new_phone())
    cid, held = held_login(sms_api, person)
    assert held == {"general": {"cid": cid}, "loginstate": "needs-device-code", "codetype": "sms"}
    assert profile_of(sms_api, cid).status_code == HTTPStatus.FORBIDDEN

    response = authorize_device(sms_api, cid, sms_code(sms_sink, person))

    assert response.status_code == HTTPStatus.OK
    result = response.json()["result"]
    assert result["loginstate"] == "logged-in" and result["user"]["ID"] == person.user_id
    assert profile_of(sms_api, cid).status_code == HTTPStatus.OK


def test_wrong_code_is_rejected_and_the_login_stays_held(sms_api: Api, sms_sink: SmsWebhookSink) -> None:
    person = register(sms_api, phone=new_phone())
    cid, _ = held_login(sms_api, person)
    code = sms_code(sms_sink, person)

    wrong = authorize_device(sms_api, cid, other_code(code))

    assert wrong.status_code == HTTPStatus.FORBIDDEN
    assert "wrong or expired code" in wrong.json()["metadata"]["errorhint"]
    assert authorize_device(sms_api, cid, code).status_code == HTTPStatus.OK


def test_used_code_is_rejected(sms_api: Api, sms_sink: SmsWebhookSink) -> None:
    person = register(sms_api, phone=new_phone())
    first_cid, _ = held_login(sms_api, person)
    used = sms_code(sms_sink, person)
    assert authorize_device(sms_api, first_cid, used).status_code == HTTPStatus.OK

    # Again on the finished session: it holds no login any more.
    assert authorize_device(sms_api, first_cid, used).status_code == HTTPStatus.FORBIDDEN
    # On a new held login: only that login's own code counts.
    second_cid, _ = held_login(sms_api, person)
    fresh = sms_code(sms_sink, person)
    if fresh != used:  # one in a million the new code equals the old one
        assert authorize_device(sms_api, second_cid, used).status_code == HTTPStatus.FORBIDDEN
    assert authorize_device(sms_api, second_cid, fresh).status_code == HTTPStatus.OK


def test_requestkeycode_invalidates_the_old_code(sms_api: Api, sms_sink: SmsWebhookSink) -> None:
    person = register(sms_api, phone=new_phone())
    cid, _ = held_login(sms_api, person)
    old = sms_code(sms_sink, person)

    response = sms_api.call("GET", "user/requestkeycode", cid)

    assert response.status_code == HTTPStatus.OK
    result = response.json()["result"]
    assert result["codetype"] == "sms" and result["to"].endswith(person.phone[-2:])
    assert person.phone not in response.text
    assert result["expires"] > time.time() + 9 * 60
    new = sms_code(sms_sink, person)
    if new != old:
        assert authorize_device(sms_api, cid, old).status_code == HTTPStatus.FORBIDDEN
    assert authorize_device(sms_api, cid, new).status_code == HTTPStatus.OK


def test_five_wrong_codes_throttle_even_the_right_one(sms_api: Api, sms_sink: SmsWebhookSink,
                                                     storage: Database) -> None:
    person = register(sms_api, phone=new_phone())
    cid, _ = held_login(sms_api, person)
    code = sms_code(sms_sink, person)
    for _ in range(5):
        assert authorize_device(sms_api, cid, other_code(code)).status_code == HTTPStatus.FORBIDDEN

    throttled = authorize_device(sms_api, cid, code)

    assert throttled.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(throttled.headers["Retry-After"]) <= 300
    # A new login does not lift the throttle either.
    other_cid, _ = held_login(sms_api, person)
    assert authorize_device(sms_api, other_cid, sms_code(sms_sink, person)).status_code == 429

    # Once the window passed, the right code of the held login is accepted.
    with storage.write() as db:
        db.execute("UPDATE code_throttles SET throttled_until = 0 WHERE user_id = ?", (person.user_id,))
    assert authorize_device(sms_api, cid, code).status_code == HTTPStatus.OK


def test_expired_code_is_rejected(sms_api: Api, sms_sink: SmsWebhookSink, storage: Database) -> None:
    person = register(sms_api, phone=new_phone())
    cid, _ = held_login(sms_api, person)
    code = sms_code(sms_sink, person)
    with storage.write() as db:
        db.execute("UPDATE device_codes SET expires = ? WHERE cid = ?", (time.time() - 1, cid))

    assert authorize_device(sms_api, cid, code).status_code == HTTPStatus.FORBIDDEN


def test_known_device_is_not_held(sms_api: Api, sms_sink: SmsWebhookSink) -> None:
    person = register(sms_api, phone=new_phone())
    cid, _ = held_login(sms_api, person, device="laptop-" + person.username)
    assert authorize_device(sms_api, cid, sms_code(sms_sink, person)).status_code == HTTPStatus.OK

    _, again = log_in(sms_api, person, device="laptop-" + person.username)

    assert again.status_code == HTTPStatus.OK
    assert again.json()["result"]["loginstate"] == "logged-in"


def test_user_without_phone_and_domain_without_sms_are_not_held(sms_api: Api, plain_api: Api) -> None:
    _, no_phone = log_in(sms_api, register(sms_api))
    _, plain_domain = log_in(plain_api, register(plain_api, phone=new_phone()))
    assert no_phone.status_code == plain_domain.status_code == HTTPStatus.OK


def test_app_code_for_an_sms_login_is_a_conflict(sms_api: Api, sms_sink: SmsWebhookSink) -> None:
    person = register(sms_api, phone=new_phone())
    cid, _ = held_login(sms_api, person)
    response = authorize_device(sms_api, cid, sms_code(sms_sink, person), codetype="app")
    assert response.status_code == HTTPStatus.CONFLICT


def test_second_factor_operations_need_a_held_login(sms_api: Api) -> None:
    person = register(sms_api, phone=new_phone())
    assert sms_api.call("GET", "user/requestkeycode", person.cid).status_code == HTTPStatus.FORBIDDEN
    assert authorize_device(sms_api, person.cid, "123456").status_code == HTTPStatus.FORBIDDEN


def test_failing_webhook_keeps_the_login_held_and_logs_no_code(mailbox, operations, caplog) -> None:
    settings = make_settings(mailbox, domains=(DomainSettings(SMS_DOMAIN, autoauthorize=True, twofactor="sms"),),
                             sms_webhook="http://127.0.0.1:9/unreachable")
    with start_in_thread(settings) as running, caplog.at_level(logging.INFO, logger="nexx_reference"):
        api = Api(running.base_url, operations, SMS_DOMAIN)
        person = register(api, phone=new_phone())
        _, held = held_login(api, person)
    assert held["loginstate"] == "needs-device-code"
    lines = [record.getMessage() for record in caplog.records if "sms" in record.getMessage().lower()]
    assert len(lines) == 1, lines
    assert person.phone not in lines[0] and "code" not in lines[0].lower()
