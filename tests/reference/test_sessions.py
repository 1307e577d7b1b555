"""Sessions: init, login, logout, keepalive and expiry."""

from __future__ import annotations

import time

from nexx_conformance.client import NexxClient
from nexx_conformance.status import BAD_REQUEST, CREATED, FORBIDDEN, OK, UNAUTHORIZED
from nexx_reference.server import start_in_thread

from .conftest import MANUAL_DOMAIN, Account, client_of, make_settings


def test_init_creates_an_anonymous_session_for_the_device(api: NexxClient) -> None:
    answer = api.call(
        "POST",
        "session/init",
        cid=None,
        signed=False,
        fields={"nxp_devh": "device-hash-01", "deviceName": "Firefox on Linux"},
    )
    assert answer.status == CREATED
    result = answer.result
    assert result["general"]["isNewSession"] == 1
    assert len(result["general"]["cid"]) >= 32
    assert result["device"] == {"id": "device-hash-01", "name": "Firefox on Linux"}
    # As the captured answer: no `loginstate` or `user`; `uid` 0 says no user is logged in.
    assert result["general"]["uid"] == 0 and "loginstate" not in result and "user" not in result


def test_init_without_device_hash_is_400(api: NexxClient) -> None:
    answer = api.call("POST", "session/init", cid=None, signed=False, fields={})
    assert answer.status == BAD_REQUEST
    assert answer.errorhint == "parameter 'nxp_devh' is required"


def test_each_init_gives_a_new_session(api: NexxClient) -> None:
    assert api.init().cid != api.init().cid


def test_login_with_username_logs_the_session_in(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    answer = auto_api.init().post(
        "session/login", username=logged_in_user.username, password=logged_in_user.password
    )
    assert answer.status == OK
    assert answer.result["loginstate"] == "logged-in"
    assert answer.result["user"]["ID"] == logged_in_user.user_id
    assert answer.result["general"]["isNewSession"] == 0


def test_login_with_email_works_too(auto_api: NexxClient, logged_in_user: Account) -> None:
    answer = auto_api.init().login(logged_in_user.email, logged_in_user.password)
    assert answer.status == OK


def test_wrong_password_and_unknown_user_answer_alike(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    wrong = auto_api.init().post(
        "session/login", username=logged_in_user.username, password="not-the-password-1"
    )
    unknown = auto_api.init().post(
        "session/login", username="nobody_here_123", password="not-the-password-1"
    )
    assert wrong.status == unknown.status == FORBIDDEN
    assert wrong.errorhint == unknown.errorhint


def test_logout_makes_the_session_anonymous_but_keeps_it(logged_in_user: Account) -> None:
    session = logged_in_user.session
    answer = session.logout()
    assert answer.status == OK
    assert answer.result["loginstate"] == "anonymous"
    assert session.get("user/profile").status == FORBIDDEN
    assert session.keepalive().status == OK


def test_keepalive_returns_the_logged_in_session(logged_in_user: Account) -> None:
    answer = logged_in_user.session.keepalive()
    assert answer.result["loginstate"] == "logged-in"
    assert answer.result["general"]["expires"] > time.time() + 3600


def test_social_login_with_the_registered_connector_token(auto_api: NexxClient) -> None:
    session = auto_api.init()
    registered = session.post(
        "user/register",
        provider="google",
        token="ya29.social-token-1",
        username="social_user_1",
        email="social-user-1@example.org",
        skipLogin=1,
    )
    assert registered.status == CREATED
    answer = session.post("session/login", provider="google", token="ya29.social-token-1")
    assert answer.status == OK
    assert answer.result["user"]["ID"] == registered.fields["ID"]
    other = session.post("session/login", provider="facebook", token="ya29.social-token-1")
    assert other.status == FORBIDDEN


def test_session_expires_after_its_ttl() -> None:
    with start_in_thread(make_settings(session_ttl=1)) as running:
        client = client_of(running.base_url, MANUAL_DOMAIN)
        session = client.init()
        assert session.keepalive().status == OK
        time.sleep(1.2)
        answer = session.keepalive()
        client.close()
    assert answer.status == UNAUTHORIZED
    assert "expired" in answer.errorhint
