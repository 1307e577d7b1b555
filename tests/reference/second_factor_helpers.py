"""Fixtures and steps of the SMS two-factor tests of the server's internals: a reference
server whose SMS go to a real HTTP sink, accounts on a domain with SMS two-factor, logins
from chosen devices. The flows themselves are scenarios (tests/scenarios/test_two_factor_*.py,
test_u2f.py).

Test modules import the fixtures they use from here: pytest finds a fixture by its
`name`, the `_fixture` suffix keeps the import apart from the test arguments.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus

import httpx
import pytest

from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_reference.contract import Operation
from nexx_reference.server import RunningServer, start_in_thread
from nexx_reference.settings import DomainSettings
from nexx_reference.storage import Database

from .conftest import Api, Mailbox, make_settings, unique_name

SMS_DOMAIN = 4721  # twofactor=sms, AutoAuthorize on
PLAIN_DOMAIN = 4722  # twofactor=none, AutoAuthorize on
PASSWORD = "correct-horse-7"


@dataclass
class Person:
    """An account of the two-factor server; `phone` is where its SMS codes go."""

    username: str
    password: str
    user_id: int
    phone: str | None
    cid: str  # the session of the registration, logged in
    device: str  # that session's nxp_devh


@pytest.fixture(name="sms_sink", scope="session")
def sms_sink_fixture() -> Iterator[SmsWebhookSink]:
    """A real HTTP SMS webhook sink on a free loopback port."""
    sink = SmsWebhookSink()
    yield sink
    sink.close()


@pytest.fixture(name="two_factor_server", scope="session")
def two_factor_server_fixture(mailbox: Mailbox, sms_sink: SmsWebhookSink) -> Iterator[RunningServer]:
    """The reference server with a domain of SMS two-factor (4721) and one without (4722)."""
    settings = make_settings(
        mailbox,
        domains=(DomainSettings(SMS_DOMAIN, autoauthorize=True, twofactor="sms"),
                 DomainSettings(PLAIN_DOMAIN, autoauthorize=True)),
        sms_webhook=sms_sink.url,
    )
    with start_in_thread(settings) as running:
        yield running


@pytest.fixture(name="sms_api", scope="session")
def sms_api_fixture(two_factor_server: RunningServer, operations: list[Operation]) -> Api:
    """A signing client of the SMS two-factor domain."""
    return Api(two_factor_server.base_url, operations, SMS_DOMAIN)


@pytest.fixture(name="plain_api", scope="session")
def plain_api_fixture(two_factor_server: RunningServer, operations: list[Operation]) -> Api:
    """A signing client of the domain without SMS two-factor."""
    return Api(two_factor_server.base_url, operations, PLAIN_DOMAIN)


@pytest.fixture(name="storage", scope="session")
def storage_fixture(two_factor_server: RunningServer) -> Database:
    """The two-factor server's database, to move a deadline into the past."""
    return two_factor_server.app.state.services.db


def new_device() -> str:
    return uuid.uuid4().hex


def session_on(api: Api, device: str) -> str:
    response = api.call("POST", "session/init", signed=False, data={"nxp_devh": device})
    assert response.status_code == HTTPStatus.CREATED, response.text
    return response.json()["result"]["general"]["cid"]


def new_phone() -> str:
    return "+4917" + str(uuid.uuid4().int)[:9]


def register(api: Api, phone: str | None = None) -> Person:
    """Step: register (AutoAuthorize logs the registering session in)."""
    name, device = unique_name(), new_device()
    cid = session_on(api, device)
    data = {"username": name, "email": f"{name}@example.org", "password": PASSWORD}
    if phone:
        data["phone"] = phone
    response = api.call("POST", "user/register", cid, data=data)
    assert response.status_code == HTTPStatus.CREATED, response.text
    return Person(name, PASSWORD, response.json()["result"]["user"]["ID"], phone, cid, device)


def log_in(api: Api, person: Person, device: str | None = None) -> tuple[str, httpx.Response]:
    """Step: a new session on `device` (a new one by default) logs in with the password."""
    cid = session_on(api, device or new_device())
    response = api.call("POST", "session/login", cid,
                        data={"username": person.username, "password": person.password})
    return cid, response


def held_login(api: Api, person: Person, device: str | None = None) -> tuple[str, dict]:
    """Step: a login that must be held (202); gives the session and the held result."""
    cid, response = log_in(api, person, device)
    assert response.status_code == HTTPStatus.ACCEPTED, response.text
    return cid, response.json()["result"]


def sms_code(sink: SmsWebhookSink, person: Person) -> str:
    """Step: the next SMS to the person's phone, and the code in it."""
    message = sink.wait_for(person.phone, "sms", timeout=10)
    assert message.code is not None, "the SMS carries no 6-digit code"
    return message.code


def authorize_device(api: Api, cid: str, code: str, codetype: str = "sms") -> httpx.Response:
    return api.call("POST", "user/authorizedevice", cid, data={"code": code, "type": codetype})


def other_code(code: str) -> str:
    """A 6-digit code that is surely not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"
