"""Removing the users a run created, against a real reference server and a real SMTP sink:
users that never confirmed their mail, anonymous users reached through their own session
or by a password reset, users already gone. The reference server's own count is the proof."""

from __future__ import annotations

import pytest

from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.client import NexxClient
from nexx_conformance.user_removal import remove_user
from nexx_conformance.users import User, UserRegistry, new_password
from nexx_reference.server import start_in_thread
from nexx_reference.settings import DomainSettings, Settings

DOMAIN = 4711
SECRET = "cleanup-selftest-secret"


@pytest.fixture(scope="module")
def mailbox():
    """A real SMTP sink the reference server delivers to."""
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture(scope="module")
def server(mailbox):
    """A reference server without AutoAuthorize: registered accounts wait for their mail link."""
    settings = Settings(domains=(DomainSettings(id=DOMAIN),), secret=SECRET, port=0,
                        smtp=(mailbox.host, mailbox.port), password_hash_cost="cheapest")
    with start_in_thread(settings) as running:
        yield running


@pytest.fixture
def client(server):
    """A signed client of the reference server; every test starts with no user stored."""
    assert server.users() == []
    client = NexxClient(server.base_url, DOMAIN, SECRET)
    yield client
    client.close()


def registered(client: NexxClient, name: str, **fields) -> User:
    user = User(name, f"{name}@example.test", new_password(), DOMAIN)
    answer = client.init().post("user/register", **user.form(**fields))
    assert answer.status == 201, answer.describe()
    user.user_id, user.needs_authorization = answer.result["ID"], True
    return user


def anonymous(client: NexxClient, email: str) -> User:
    session = client.init()
    answer = session.post("user/registeranonymous", email=email)
    assert answer.status == 201, answer.describe()
    return User(None, email, None, DOMAIN, user_id=answer.result["user"]["ID"], cid=session.cid)


def test_user_that_never_confirmed_its_mail_is_authorized_by_the_link_and_removed(
        client, server, mailbox):
    user = registered(client, "qa_unconfirmed_1")
    assert remove_user(client, user, mailbox) is None
    assert server.users() == []


def test_anonymous_user_is_removed_through_the_session_its_registration_logged_in(
        client, server, mailbox):
    user = anonymous(client, "anon1@example.test")
    assert remove_user(client, user, mailbox=None) is None  # no mail needed
    assert server.users() == []


def test_anonymous_user_whose_session_moved_on_is_removed_by_a_password_reset(
        client, server, mailbox):
    first = anonymous(client, "anon2@example.test")
    session = client.session(first.cid)
    # A second anonymous registration on the same session logs it in as someone else.
    second = session.post("user/registeranonymous", email="anon3@example.test")
    assert second.status == 201
    assert remove_user(client, first, mailbox) is None
    assert server.users() == [f"{DOMAIN}:anon3@example.test"]
    assert session.delete("user/unregister").ok


def test_user_its_test_already_removed_needs_nothing(client, server, mailbox):
    user = registered(client, "qa_gone_1")
    server_side_unregister(client, user, mailbox)
    assert remove_user(client, user, mailbox) is None
    assert server.users() == []


def test_user_beyond_reach_stays_with_the_reason_and_no_secret(client, server, mailbox):
    user = registered(client, "qa_unreachable_1")
    registry = UserRegistry(mailbox=None)
    registry.track(user)
    leftovers = registry.remove_all(client)
    reason = "cannot log in: removed or re-passworded by its test, or never authorized"
    assert leftovers == [f"qa_unreachable_1 ({reason})"]
    assert user.password not in repr(user) and user.password not in str(leftovers)
    assert server.users() == [f"{DOMAIN}:qa_unreachable_1"]
    server_side_unregister(client, user, mailbox)


def server_side_unregister(client: NexxClient, user: User, mailbox=None) -> None:
    """What a test that removes its own user does: the mail link if still unused, login, unregister."""
    session = client.init()
    if mailbox is not None:
        token = mailbox.wait_for(user.email, "authorize", timeout=0).token
        assert session.post(f"user/authorize/{token}").ok
    assert session.login(user.username, user.password).status == 200
    assert session.delete("user/unregister").ok
