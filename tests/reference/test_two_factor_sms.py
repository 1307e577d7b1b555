"""SMS two-factor, the server's side: what the flow (tests/scenarios/test_two_factor_sms.py)
cannot reach from outside - code lifetimes and throttle windows moved in the database, the
throttle counted per user, the domain setting, and what a failing webhook logs."""

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
    register,
    sms_api_fixture,
    sms_code,
    sms_sink_fixture,
    storage_fixture,
    two_factor_server_fixture,
)


def test_throttle_holds_for_every_login_of_the_user_until_its_window_passed(
        sms_api: Api, sms_sink: SmsWebhookSink, storage: Database) -> None:
    person = register(sms_api, phone=new_phone())
    cid, _ = held_login(sms_api, person)
    code = sms_code(sms_sink, person)
    for _ in range(5):
        assert authorize_device(sms_api, cid, other_code(code)).status_code == HTTPStatus.FORBIDDEN
    throttled = authorize_device(sms_api, cid, code)
    assert throttled.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(throttled.headers["Retry-After"]) <= 300

    # Wrong codes are counted per user: a new login does not lift the throttle.
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


def test_domain_without_sms_does_not_hold_a_user_with_phone(plain_api: Api) -> None:
    _, plain_domain = log_in(plain_api, register(plain_api, phone=new_phone()))
    assert plain_domain.status_code == HTTPStatus.OK


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
