"""SMS two-factor, the server's side: what the flow (tests/scenarios/test_two_factor_sms.py)
cannot reach from outside - code lifetimes and throttle windows moved in the database, the
throttle counted per user, the domain setting, and what a failing webhook logs."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_conformance.client import NexxClient, Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import ACCEPTED, FORBIDDEN, OK, TOO_MANY_REQUESTS
from nexx_reference.server import start_in_thread
from nexx_reference.settings import DomainSettings
from nexx_reference.storage import Database

from .conftest import PLAIN_DOMAIN, SMS_DOMAIN, client_of, make_settings, register


@dataclass
class Person:
    """An account of a two-factor domain; `phone` is where its SMS codes go."""

    username: str
    password: str
    user_id: int
    phone: str


@pytest.fixture
def plain_api(api: NexxClient) -> NexxClient:
    """A signed client of the domain without SMS two-factor."""
    return api.for_domain(PLAIN_DOMAIN)


@pytest.fixture
def broken_webhook_api(mailbox) -> Iterator[NexxClient]:
    """A signed client of a server whose SMS webhook nobody listens at."""
    settings = make_settings(
        mailbox,
        domains=(DomainSettings(SMS_DOMAIN, autoauthorize=True, twofactor="sms"),),
        sms_webhook="http://127.0.0.1:9/unreachable",
    )
    with start_in_thread(settings) as running:
        client = client_of(running.base_url, SMS_DOMAIN)
        yield client
        client.close()


def new_phone() -> str:
    return "+4917" + str(uuid.uuid4().int)[:9]


def registered_person(client: NexxClient) -> Person:
    """Step: register with a phone (AutoAuthorize logs the registering session in)."""
    phone = new_phone()
    account = register(client, phone=phone)
    return Person(account.username, account.password, account.user_id, phone)


def log_in(client: NexxClient, person: Person) -> tuple[Session, ApiResponse]:
    """Step: a new session on a new device logs in with the password."""
    session = client.init(nxp_devh=uuid.uuid4().hex)
    return session, session.login(person.username, person.password)


def held_login(client: NexxClient, person: Person) -> tuple[Session, dict]:
    """Step: a login that must be held (202); gives the session and the held result."""
    session, answer = log_in(client, person)
    assert answer.status == ACCEPTED, answer.describe()
    return session, answer.result


def sms_code(sink: SmsWebhookSink, person: Person) -> str:
    """Step: the next SMS to the person's phone, and the code in it."""
    message = sink.wait_for(person.phone, "sms", timeout=10)
    assert message.code is not None, "the SMS carries no 6-digit code"
    return message.code


def authorize_device(session: Session, code: str) -> ApiResponse:
    return session.post("user/authorizedevice", code=code, type="sms")


def other_code(code: str) -> str:
    """A 6-digit code that is surely not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_throttle_holds_for_every_login_of_the_user_until_its_window_passed(
    sms_api: NexxClient, sms_sink: SmsWebhookSink, storage: Database
) -> None:
    person = registered_person(sms_api)
    session, _ = held_login(sms_api, person)
    code = sms_code(sms_sink, person)
    for _ in range(5):
        assert authorize_device(session, other_code(code)).status == FORBIDDEN
    throttled = authorize_device(session, code)
    assert throttled.status == TOO_MANY_REQUESTS
    assert 0 < int(throttled.headers["Retry-After"]) <= 300

    # Wrong codes are counted per user: a new login does not lift the throttle.
    other_session, _ = held_login(sms_api, person)
    assert authorize_device(other_session, sms_code(sms_sink, person)).status == TOO_MANY_REQUESTS

    # Once the window passed, the right code of the held login is accepted.
    with storage.write() as db:
        db.execute(
            "UPDATE code_throttles SET throttled_until = 0 WHERE user_id = ?", (person.user_id,)
        )
    assert authorize_device(session, code).status == OK


def test_expired_code_is_rejected(
    sms_api: NexxClient, sms_sink: SmsWebhookSink, storage: Database
) -> None:
    person = registered_person(sms_api)
    session, _ = held_login(sms_api, person)
    code = sms_code(sms_sink, person)
    with storage.write() as db:
        db.execute(
            "UPDATE device_codes SET expires = ? WHERE cid = ?", (time.time() - 1, session.cid)
        )

    assert authorize_device(session, code).status == FORBIDDEN


def test_domain_without_sms_does_not_hold_a_user_with_phone(plain_api: NexxClient) -> None:
    _, plain_domain = log_in(plain_api, registered_person(plain_api))
    assert plain_domain.status == OK


def test_failing_webhook_keeps_the_login_held_and_logs_no_code(
    broken_webhook_api: NexxClient, caplog
) -> None:
    with caplog.at_level(logging.INFO, logger="nexx_reference"):
        person = registered_person(broken_webhook_api)
        _, held = held_login(broken_webhook_api, person)
    assert held["loginstate"] == "needs-device-code"
    lines = [
        record.getMessage() for record in caplog.records if "sms" in record.getMessage().lower()
    ]
    assert len(lines) == 1, lines
    assert person.phone not in lines[0] and "code" not in lines[0].lower()
