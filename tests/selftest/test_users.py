"""The life of a test user (nexx_conformance.users): created, tracked, removed, counted.

Removal runs against a real reference server, a real SMTP sink and a real SMS webhook
sink: users that never confirmed their mail, anonymous users reached through their own
session or by a password reset, users already gone, users whose login is held for an app
code, a security key or an SMS code. The reference server's own count is the proof. The
registry's bookkeeping runs against a fake target (respx)."""

from __future__ import annotations

import json
import secrets

import httpx
import pytest
import respx

from nexx_conformance.authenticators.totp import AuthenticatorApp
from nexx_conformance.authenticators.webauthn import SecurityKey
from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.client import NexxClient
from nexx_conformance.users import (
    User,
    UserFactory,
    UserRegistry,
    count_left,
    new_password,
    registered_user_id,
    remove_user,
)
from nexx_reference.server import start_in_thread
from nexx_reference.settings import DomainSettings, Settings

DOMAIN = 4711
SMS_DOMAIN = 4713  # twofactor=sms, AutoAuthorize
SECRET = "cleanup-selftest-secret"
HOST = "www.example.org"


@pytest.fixture(scope="module")
def mailbox():
    """A real SMTP sink the reference server delivers to."""
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture(scope="module")
def sms_inbox():
    """A real SMS webhook sink the reference server texts codes to."""
    sink = SmsWebhookSink()
    yield sink
    sink.close()


@pytest.fixture(scope="module")
def server(mailbox, sms_inbox):
    """A reference server whose main domain has no AutoAuthorize (registered accounts wait
    for their mail link), and an SMS two-factor domain."""
    settings = Settings(
        domains=(
            DomainSettings(id=DOMAIN),
            DomainSettings(id=SMS_DOMAIN, autoauthorize=True, twofactor="sms"),
        ),
        secret=SECRET,
        port=0,
        smtp=(mailbox.host, mailbox.port),
        sms_webhook=sms_inbox.url,
        password_hash_cost="cheapest",
    )
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
    user.user_id, user.needs_authorization = answer.fields["ID"], True
    return user


def anonymous(client: NexxClient, email: str) -> User:
    session = client.init()
    answer = session.post("user/registeranonymous", email=email)
    assert answer.status == 201, answer.describe()
    return User(None, email, None, DOMAIN, user_id=answer.result["user"]["ID"], cid=session.cid)


def test_user_that_never_confirmed_its_mail_is_authorized_by_the_link_and_removed(
    client, server, mailbox
):
    user = registered(client, "qa_unconfirmed_1")
    assert remove_user(client, user, mailbox) is None
    assert server.users() == []


def test_anonymous_user_is_removed_through_the_session_its_registration_logged_in(
    client, server, mailbox
):
    user = anonymous(client, "anon1@example.test")
    assert remove_user(client, user, mailbox=None) is None  # no mail needed
    assert server.users() == []


def test_anonymous_user_whose_session_moved_on_is_removed_by_a_password_reset(
    client, server, mailbox
):
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


def authorized(client: NexxClient, name: str, mailbox) -> User:
    """A registered user who confirmed the mail, with a device of its own."""
    user = User(name, f"{name}@example.test", new_password(), DOMAIN, device=secrets.token_hex(16))
    session = client.init(nxp_devh=user.device)
    answer = session.post("user/register", **user.form())
    assert answer.status == 201, answer.describe()
    user.user_id = answer.fields["ID"]
    token = mailbox.wait_for(user.email, "authorize", timeout=5).token
    assert session.post(f"user/authorize/{token}").ok
    return user


def logged_in_elsewhere(client: NexxClient, user: User):
    """A session of `user` on a device of its test, not the user's own."""
    session = client.for_domain(user.domain_id).init(nxp_devh=secrets.token_hex(16))
    assert session.login(user.username, user.password).status == 200
    return session


def with_app(client: NexxClient, user: User) -> AuthenticatorApp:
    """Enrol an app on another device than the user's own, so a login from that is held."""
    session = logged_in_elsewhere(client, user)
    started = session.post("user/prepareregisterauthenticator")
    app = AuthenticatorApp.from_uri(started.result["uri"])
    assert session.post(
        "user/finishregisterauthenticator", process=started.result["process"], code=app.code()
    ).ok
    return app


def with_security_key(client: NexxClient, user: User) -> SecurityKey:
    session = logged_in_elsewhere(client, user)
    key = SecurityKey()
    options = session.post("user/prepareregisteru2fdevice", host=HOST).result["webauthn"]
    assert session.post(
        "user/finishregisteru2fdevice", token=json.dumps(key.register(options)), host=HOST
    ).ok
    return key


def held_on_own_device(client: NexxClient, user: User):
    return (
        client.for_domain(user.domain_id)
        .init(nxp_devh=user.device)
        .login(user.username, user.password)
    )


def test_user_held_for_an_app_code_is_removed_with_the_app_it_enrolled(client, server, mailbox):
    user = authorized(client, "qa_app_1", mailbox)
    user.second_factors.append(with_app(client, user))
    assert held_on_own_device(client, user).result["codetype"] == "app"
    assert remove_user(client, user, mailbox) is None  # the second code of the window, no wait
    assert server.users() == []


def test_user_held_for_an_app_code_without_the_app_stays_with_the_reason(client, server, mailbox):
    user = authorized(client, "qa_app_2", mailbox)
    app = with_app(client, user)
    assert remove_user(client, user, mailbox) == (
        "its login is held for an app code, and no authenticator app was handed to the cleanup"
    )
    assert server.users() == [f"{DOMAIN}:qa_app_2"]
    user.second_factors.append(app)
    assert remove_user(client, user, mailbox) is None


def test_login_from_the_users_own_device_needs_no_second_factor(client, server, mailbox):
    user = authorized(client, "qa_own_device_1", mailbox)
    session = client.init(nxp_devh=user.device)
    assert session.login(user.username, user.password).ok
    started = session.post("user/prepareregisterauthenticator")
    app = AuthenticatorApp.from_uri(started.result["uri"])
    assert session.post(
        "user/finishregisterauthenticator", process=started.result["process"], code=app.code()
    ).ok  # proven on the user's own device: it is trusted
    assert remove_user(client, user, mailbox) is None  # no app handed over, none needed
    assert server.users() == []


def test_user_held_for_a_security_key_is_removed_with_its_assertion(client, server, mailbox):
    user = authorized(client, "qa_u2f_1", mailbox)
    user.second_factors.append(with_security_key(client, user))
    assert held_on_own_device(client, user).result["loginstate"] == "needs-u2f"
    assert remove_user(client, user, mailbox) is None
    assert server.users() == []


def sms_user(client: NexxClient, name: str, phone: str) -> User:
    """A user of the SMS two-factor domain: every login from a device not yet proven is held."""
    user = User(
        name,
        f"{name}@example.test",
        new_password(),
        SMS_DOMAIN,
        device=secrets.token_hex(16),
        phone=phone,
    )
    registration = client.for_domain(SMS_DOMAIN).init(nxp_devh=user.device)
    assert registration.post("user/register", **user.form()).status == 201
    return user


def test_user_held_for_an_sms_code_is_removed_with_the_code_texted_for_its_login(
    client, server, mailbox, sms_inbox
):
    user = sms_user(client, "qa_sms_1", "+4915100000001")
    for _ in range(2):  # held logins of its test, whose texts it never read
        held = client.for_domain(SMS_DOMAIN).init(nxp_devh=secrets.token_hex(16))
        assert held.login(user.username, user.password).status == 202
    assert remove_user(client, user, mailbox, sms_inbox) is None
    assert server.users() == []


def test_user_held_for_an_sms_code_without_an_sms_inbox_stays_with_the_reason(
    client, server, mailbox, sms_inbox
):
    user = sms_user(client, "qa_sms_2", "+4915100000002")
    assert remove_user(client, user, mailbox) == (
        "its login is held for an SMS code, and the cleanup has no SMS inbox or no phone number"
    )
    assert server.users() == [f"{SMS_DOMAIN}:qa_sms_2"]
    assert remove_user(client, user, mailbox, sms_inbox) is None


# --- creating, tracking and counting, on a fake target ---

FAKE = "http://api.test/v3.1"


def fake_answer(status, result=None):
    return httpx.Response(status, json={"metadata": {"status": status}, "result": result})


@respx.mock
def test_a_created_user_is_registered_on_a_device_of_its_own_and_tracked():
    init = respx.post(f"{FAKE}/4711/session/init").mock(
        return_value=fake_answer(201, {"general": {"cid": "c"}})
    )
    register = respx.post(f"{FAKE}/4711/user/register").mock(
        return_value=fake_answer(201, {"itemupdate": {"ID": 7}})
    )
    registry = UserRegistry()
    factory = UserFactory(NexxClient(FAKE, 4711, "s"), registry, None, "qa_x_", {4711})
    user = factory.create()
    assert (user.username, user.email, user.user_id) == ("qa_x_1", "qa_x_1@example.test", 7)
    assert registry.users == [user] and not user.needs_authorization  # AutoAuthorize domain
    assert f"nxp_devh={user.device}" in init.calls.last.request.content.decode()
    assert "username=qa_x_1" in register.calls.last.request.content.decode()
    assert factory.create().username == "qa_x_2"
    factory.forget(user)
    assert [u.username for u in registry.users] == ["qa_x_2"]


@respx.mock
def test_a_user_that_needs_its_mail_is_skipped_without_a_mailbox():
    respx.post(f"{FAKE}/4711/session/init").mock(
        return_value=fake_answer(201, {"general": {"cid": "c"}})
    )
    respx.post(f"{FAKE}/4711/user/register").mock(return_value=fake_answer(201, {"ID": 7}))
    factory = UserFactory(NexxClient(FAKE, 4711, "s"), UserRegistry(), None, "qa_x_", set())
    with pytest.raises(pytest.skip.Exception, match="needs a mailbox"):
        factory.create()
    assert factory.create(authorize=False).needs_authorization  # still tracked, for the cleanup


@respx.mock
def test_every_tracked_user_is_unregistered_and_failures_are_named():
    respx.post(f"{FAKE}/4711/session/init").mock(
        return_value=fake_answer(201, {"general": {"cid": "c"}})
    )
    respx.post(f"{FAKE}/4711/session/login").mock(
        side_effect=[fake_answer(200, {}), fake_answer(403)]
    )
    unregister = respx.delete(f"{FAKE}/4711/user/unregister").mock(
        return_value=fake_answer(200, {})
    )
    # qa_x_1 cannot log in and is still registered (not unique): it is named.
    respx.post(url__regex=rf"{FAKE}/4711/user/verifyaccountdetailsunique/.*").mock(
        return_value=fake_answer(200, {"field": "email", "unique": 0})
    )
    registry = UserRegistry()
    registry.track(User("qa_x_1", "qa_x_1@example.test", "Pw1xxxxxxx", 4711))
    registry.track(User("qa_x_2", "qa_x_2@example.test", "Pw2xxxxxxx", 4711))
    leftovers = registry.remove_all(NexxClient(FAKE, 4711, "s"))
    assert unregister.call_count == 1
    assert leftovers == [
        "qa_x_1 (cannot log in: removed or re-passworded by its test, or never authorized)"
    ]
    assert registry.users == []


@respx.mock
def test_unreachable_target_does_not_stop_the_cleanup():
    respx.post(f"{FAKE}/4711/session/init").mock(side_effect=httpx.ConnectError("down"))
    registry = UserRegistry()
    registry.track(User("qa_x_1", "e", "p", 4711))
    registry.track(User("qa_x_2", "e", "p", 4711))
    assert registry.remove_all(NexxClient(FAKE, 4711, "s")) == [
        "qa_x_2 (ConnectError)",
        "qa_x_1 (ConnectError)",
    ]


def test_password_never_in_repr():
    assert "Pw1secret" not in repr(User("qa_x_1", "e", "Pw1secret", 1))


class CountedTarget:
    def __init__(self, users):
        self.users = users


def failing_count():
    raise RuntimeError("database is locked")


@pytest.mark.parametrize(
    "counted, expected",
    [
        pytest.param(None, None, id="no-target-counts-nothing"),
        pytest.param(CountedTarget(None), None, id="url-or-replay-target-cannot-tell"),
        pytest.param(
            CountedTarget(lambda: ["4711:a"]), {"names": ["4711:a"]}, id="bundled-server-names-them"
        ),
        pytest.param(
            CountedTarget(failing_count),
            {"error": "RuntimeError: database is locked"},
            id="failed-count-is-reported",
        ),
    ],
)
def test_count_left(counted, expected):
    assert count_left(counted) == expected


@pytest.mark.parametrize(
    "result, user_id",
    [
        pytest.param({"ID": 7, "itemupdate": {"ID": 7}}, 7, id="itemupdate-id"),
        pytest.param({"general": {"cid": "c", "uid": 0}, "user": {"ID": 8}}, 8, id="session-user"),
        pytest.param({"general": {"cid": "c", "uid": 9}}, 9, id="session-uid-as-captured"),
        pytest.param({"general": {"cid": "c", "uid": 0}}, None, id="session-without-user"),
        pytest.param({"status": "registered"}, None, id="no-id"),
    ],
)
def test_the_registered_users_id_is_read_from_either_answer_of_register(result, user_id):
    assert registered_user_id(result) == user_id
