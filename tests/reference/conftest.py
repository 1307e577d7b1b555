"""Fixtures of the reference server tests: a real server on a free port, a real SMTP
sink, and a signing client that checks every answer against the contract."""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from jsonschema import Draft202012Validator

from nexx_reference.contract import Operation, load_operations
from nexx_reference.server import RunningServer, start_in_thread
from nexx_reference.settings import DomainSettings, Settings
from nexx_reference.validation import FORMATS

SECRET = "reference-test-secret"
ETERNAL_CID = "eternal-backend-session-0001"
MANUAL_DOMAIN = 4711  # AutoAuthorize off: accounts wait for /user/authorize
AUTO_DOMAIN = 4712  # AutoAuthorize on: registering logs in
LINK = re.compile(r"https://[^/\s]+/(authorize|resetpassword)/([A-Za-z0-9_-]{20,})")


@dataclass
class Mail:
    to: str
    kind: str
    text: str

    def token(self) -> str:
        match = LINK.search(self.text)
        assert match, f"no link in the {self.kind} mail"
        return match.group(2)


@dataclass
class Mailbox:
    """Mail the server delivered over SMTP, in order of arrival."""

    host: str
    port: int
    mails: list[Mail] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        with self.arrived:
            for recipient in envelope.rcpt_tos:
                self.mails.append(Mail(recipient, str(message["X-Nexx-Mail-Type"]), text))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, to: str, kind: str, timeout: float = 5.0) -> Mail:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                for mail in self.mails:
                    if mail.to == to and mail.kind == kind:
                        return mail
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {kind} mail to {to} within {timeout} s")
                self.arrived.wait(left)

    def to(self, address: str) -> list[Mail]:
        with self.arrived:
            return [mail for mail in self.mails if mail.to == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP sink (aiosmtpd) on a free loopback port."""
    box = Mailbox("127.0.0.1", free_port())
    # Controller(port=0) fails its ready check: bind a known free port, name the host.
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    yield box
    controller.stop()


def make_settings(mailbox: Mailbox | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "domains": (DomainSettings(MANUAL_DOMAIN), DomainSettings(AUTO_DOMAIN, autoauthorize=True)),
        "secret": SECRET, "eternal_cid": ETERNAL_CID, "db_path": None,
        "smtp": (mailbox.host, mailbox.port) if mailbox else None, "sms_webhook": None,
        "port": 0, "password_hash_cost": "cheapest",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def server(mailbox: Mailbox) -> Iterator[RunningServer]:
    """The reference server on a free port, mailing to the mailbox."""
    with start_in_thread(make_settings(mailbox)) as running:
        yield running


@pytest.fixture(scope="session")
def operations() -> list[Operation]:
    """The contract's operations, as the server reads them."""
    return load_operations()


class Api:
    """Signs each call like a nexx client and checks every answer against the contract."""

    def __init__(self, base_url: str, operations: list[Operation], domain: int = MANUAL_DOMAIN) -> None:
        self.base_url, self.domain = base_url, domain
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self._routes = [(op, re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", op.path) + "$")) for op in operations]

    def call(self, method: str, path: str, cid: str | None = None, *, signed: bool = True,
             domain: int | None = None, token: str | None = None, **kwargs: Any) -> httpx.Response:
        """`path` below the domain, e.g. "user/authorize/abc"; signs with its OPERATION segment."""
        domain = self.domain if domain is None else domain
        headers = dict(kwargs.pop("headers", {}))
        if cid is not None:
            headers["X-Request-CID"] = cid
        if signed:
            operation = path.split("/")[1]
            headers["X-Request-Token"] = token or hashlib.md5(f"{operation}{domain}{SECRET}".encode()).hexdigest()
        response = self.http.request(method, f"/{domain}/{path}", headers=headers, **kwargs)
        self.check_against_contract(method, f"/{domain}/{path}", response)
        return response

    def check_against_contract(self, method: str, path: str, response: httpx.Response) -> None:
        body = response.json()
        assert body["metadata"]["status"] == response.status_code
        operation = next((op for op, rx in self._routes if op.method == method and rx.match(path)), None)
        if operation is None:
            return
        spec = operation.responses.get(str(response.status_code))
        assert spec is not None, f"{operation.operation_id}: status {response.status_code} is not in the contract"
        schema = spec["content"]["application/json"]["schema"]
        errors = list(Draft202012Validator(schema, format_checker=FORMATS).iter_errors(body))
        assert not errors, f"{operation.operation_id} {response.status_code}: {errors[0].message} at {list(errors[0].path)}"

    def new_session(self, domain: int | None = None) -> str:
        response = self.call("POST", "session/init", signed=False, domain=domain,
                             data={"nxp_devh": uuid.uuid4().hex})
        assert response.status_code == 201, response.text
        return response.json()["result"]["general"]["cid"]


@pytest.fixture(scope="session")
def api(server: RunningServer, operations: list[Operation]) -> Api:
    """A signing client of the manual-authorization domain (4711)."""
    return Api(server.base_url, operations)


@pytest.fixture(scope="session")
def auto_api(server: RunningServer, operations: list[Operation]) -> Api:
    """A signing client of the AutoAuthorize domain (4712)."""
    return Api(server.base_url, operations, AUTO_DOMAIN)


def unique_name(prefix: str = "user") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@dataclass
class Account:
    username: str
    email: str
    password: str
    user_id: int
    cid: str  # a session logged in as this account


@pytest.fixture
def logged_in_user(auto_api: Api) -> Account:
    """A fresh account of the AutoAuthorize domain, with a session logged in as it."""
    name = unique_name()
    account = {"username": name, "email": f"{name}@example.org", "password": "correct-horse-7"}
    cid = auto_api.new_session()
    response = auto_api.call("POST", "user/register", cid, data=account)
    assert response.status_code == 201, response.text
    user_id = response.json()["result"]["user"]["ID"]
    return Account(name, account["email"], account["password"], user_id, cid)
