"""Fixtures of the reference server tests: one real server on a free port for the session,
the suite's own SMTP and SMS sinks, and the suite's signed client (NexxClient) with the
contract check on every answer."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.client import NexxClient, Session
from nexx_conformance.contract_check import ContractCheck
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.signing import signed_headers
from nexx_conformance.status import CREATED
from nexx_reference.server import RunningServer, start_in_thread
from nexx_reference.settings import DomainSettings, Settings
from nexx_reference.storage import Database

SECRET = "reference-test-secret"
ETERNAL_CID = "eternal-backend-session-0001"
PASSWORD = "correct-horse-7"
MANUAL_DOMAIN = 4711  # AutoAuthorize off: accounts wait for /user/authorize
AUTO_DOMAIN = 4712  # AutoAuthorize on: registering logs in
RESTRICTED_DOMAIN = 4713  # AutoAuthorize on, UGC restricted: autoPublish is ignored
SMS_DOMAIN = 4721  # AutoAuthorize on, SMS two-factor
PLAIN_DOMAIN = 4722  # AutoAuthorize on, no two-factor: the SMS domain's counterpart
# Every domain the session's server serves: the tests that need other server-wide settings
# (no SMTP, a session lifetime of 1 s, a broken SMS webhook) start their own server.
DOMAINS = (
    DomainSettings(MANUAL_DOMAIN),
    DomainSettings(AUTO_DOMAIN, autoauthorize=True),
    DomainSettings(RESTRICTED_DOMAIN, autoauthorize=True, ugcrestricted=True),
    DomainSettings(SMS_DOMAIN, autoauthorize=True, twofactor="sms"),
    DomainSettings(PLAIN_DOMAIN, autoauthorize=True),
)


@pytest.fixture(scope="session")
def mailbox() -> Iterator[SmtpSink]:
    """The suite's SMTP sink on a free loopback port."""
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture(scope="session")
def sms_sink() -> Iterator[SmsWebhookSink]:
    """The suite's SMS webhook sink on a free loopback port."""
    sink = SmsWebhookSink()
    yield sink
    sink.close()


def make_settings(mailbox: SmtpSink | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "domains": DOMAINS[:2],
        "secret": SECRET,
        "eternal_cid": ETERNAL_CID,
        "db_path": None,
        "smtp": (mailbox.host, mailbox.port) if mailbox else None,
        "sms_webhook": None,
        "port": 0,
        "password_hash_cost": "cheapest",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def server(mailbox: SmtpSink, sms_sink: SmsWebhookSink) -> Iterator[RunningServer]:
    """The reference server on a free port serving DOMAINS, mailing to the mailbox and
    texting to the SMS sink."""
    with start_in_thread(
        make_settings(mailbox, domains=DOMAINS, sms_webhook=sms_sink.url)
    ) as running:
        yield running


@pytest.fixture(scope="session")
def storage(server: RunningServer) -> Database:
    """The server's database: what a test moves into the past or looks for after a call."""
    return server.app.state.services.db


def client_of(base_url: str, domain: int) -> NexxClient:
    """The suite's client of `domain`, signing with SECRET; every answer it receives is
    checked against the contract (undocumented status, schema, metadata.status)."""
    return NexxClient(base_url, domain, SECRET, observers=[ContractCheck(base_url)])


@pytest.fixture(scope="session")
def api(server: RunningServer) -> Iterator[NexxClient]:
    """A signed client of the manual-authorization domain (4711)."""
    client = client_of(server.base_url, MANUAL_DOMAIN)
    yield client
    client.close()


@pytest.fixture(scope="session")
def auto_api(api: NexxClient) -> NexxClient:
    """A signed client of the AutoAuthorize domain (4712)."""
    return api.for_domain(AUTO_DOMAIN)


@pytest.fixture(scope="session")
def sms_api(api: NexxClient) -> NexxClient:
    """A signed client of the SMS two-factor domain (4721)."""
    return api.for_domain(SMS_DOMAIN)


def send_raw(
    client: NexxClient,
    method: str,
    path: str,
    *,
    cid: str | None = None,
    signed: bool = True,
    domain: int | str | None = None,
    **request: Any,
) -> ApiResponse:
    """A request the suite client cannot build (a JSON body, bytes that are not UTF-8, a
    domain id that is no integer), sent with httpx; the client's observers see the answer
    like every other, so it is checked against the contract too."""
    domain = client.domain_id if domain is None else domain
    headers = signed_headers(path, domain, SECRET, cid) if signed else {}
    headers.update(request.pop("headers", {}))
    response = httpx.request(
        method, f"{client.base_url}/{domain}/{path}", headers=headers, **request
    )
    answer = ApiResponse.from_httpx(response)
    for observe in client.observers:
        observe(answer)
    return answer


def unique_name(prefix: str = "user") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def new_account(prefix: str = "user") -> dict[str, str]:
    """The form fields of a new account: a unique username, its email and PASSWORD."""
    name = unique_name(prefix)
    return {"username": name, "email": f"{name}@example.org", "password": PASSWORD}


@dataclass
class Account:
    username: str
    email: str
    password: str
    user_id: int
    session: Session  # logged in as this account


def register(client: NexxClient, **extra: Any) -> Account:
    """A fresh account of the client's (AutoAuthorize) domain, its session logged in."""
    fields = {**new_account(), **extra}
    session = client.init(nxp_devh=uuid.uuid4().hex)
    answer = session.post("user/register", **fields)
    assert answer.status == CREATED, answer.describe()
    return Account(
        fields["username"],
        fields["email"],
        fields["password"],
        answer.result["user"]["ID"],
        session,
    )


@pytest.fixture
def logged_in_user(auto_api: NexxClient) -> Account:
    """A fresh account of the AutoAuthorize domain, with a session logged in as it."""
    return register(auto_api)
