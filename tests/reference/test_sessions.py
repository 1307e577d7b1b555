"""Sessions: init, login, logout, keepalive and expiry."""

from __future__ import annotations

import time
from http import HTTPStatus

from nexx_reference.server import start_in_thread

from .conftest import Account, Api, make_settings


def test_init_creates_an_anonymous_session_for_the_device(api: Api) -> None:
    response = api.call("POST", "session/init", signed=False,
                        data={"nxp_devh": "device-hash-01", "deviceName": "Firefox on Linux"})
    assert response.status_code == HTTPStatus.CREATED
    result = response.json()["result"]
    assert result["general"]["isNewSession"] == 1
    assert len(result["general"]["cid"]) >= 32
    assert result["device"] == {"hash": "device-hash-01", "name": "Firefox on Linux"}
    assert result["loginstate"] == "anonymous" and result["user"] is None


def test_init_without_device_hash_is_400(api: Api) -> None:
    response = api.call("POST", "session/init", signed=False, data={})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["metadata"]["errorhint"] == "parameter 'nxp_devh' is required"


def test_each_init_gives_a_new_session(api: Api) -> None:
    assert api.new_session() != api.new_session()


def test_login_with_username_logs_the_session_in(auto_api: Api, logged_in_user: Account) -> None:
    cid = auto_api.new_session()
    response = auto_api.call("POST", "session/login", cid,
                             data={"username": logged_in_user.username, "password": logged_in_user.password})
    assert response.status_code == HTTPStatus.OK
    result = response.json()["result"]
    assert result["loginstate"] == "logged-in"
    assert result["user"]["ID"] == logged_in_user.user_id
    assert result["general"]["isNewSession"] == 0


def test_login_with_email_works_too(auto_api: Api, logged_in_user: Account) -> None:
    response = auto_api.call("POST", "session/login", auto_api.new_session(),
                             data={"provider": "manual", "username": logged_in_user.email,
                                   "password": logged_in_user.password})
    assert response.status_code == HTTPStatus.OK


def test_wrong_password_and_unknown_user_answer_alike(auto_api: Api, logged_in_user: Account) -> None:
    wrong = auto_api.call("POST", "session/login", auto_api.new_session(),
                          data={"username": logged_in_user.username, "password": "not-the-password-1"})
    unknown = auto_api.call("POST", "session/login", auto_api.new_session(),
                            data={"username": "nobody_here_123", "password": "not-the-password-1"})
    assert wrong.status_code == unknown.status_code == HTTPStatus.FORBIDDEN
    assert wrong.json()["metadata"]["errorhint"] == unknown.json()["metadata"]["errorhint"]


def test_logout_makes_the_session_anonymous_but_keeps_it(auto_api: Api, logged_in_user: Account) -> None:
    response = auto_api.call("POST", "session/logout", logged_in_user.cid)
    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"]["loginstate"] == "anonymous"
    assert auto_api.call("GET", "user/profile", logged_in_user.cid).status_code == HTTPStatus.FORBIDDEN
    assert auto_api.call("POST", "session/keepalive", logged_in_user.cid).status_code == HTTPStatus.OK


def test_keepalive_returns_the_logged_in_session(auto_api: Api, logged_in_user: Account) -> None:
    response = auto_api.call("POST", "session/keepalive", logged_in_user.cid)
    assert response.json()["result"]["loginstate"] == "logged-in"
    assert response.json()["result"]["general"]["expires"] > time.time() + 3600


def test_social_login_with_the_registered_connector_token(auto_api: Api) -> None:
    cid = auto_api.new_session()
    registered = auto_api.call("POST", "user/register", cid,
                               data={"provider": "google", "token": "ya29.social-token-1",
                                     "username": "social_user_1", "email": "social-user-1@example.org",
                                     "skipLogin": 1})
    assert registered.status_code == HTTPStatus.CREATED
    response = auto_api.call("POST", "session/login", cid, data={"provider": "google", "token": "ya29.social-token-1"})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"]["user"]["ID"] == registered.json()["result"]["ID"]
    other = auto_api.call("POST", "session/login", cid, data={"provider": "facebook", "token": "ya29.social-token-1"})
    assert other.status_code == HTTPStatus.FORBIDDEN


def test_session_expires_after_its_ttl() -> None:
    with start_in_thread(make_settings(session_ttl=1)) as running:
        api = Api(running.base_url, [])
        cid = api.new_session()
        assert api.call("POST", "session/keepalive", cid).status_code == HTTPStatus.OK
        time.sleep(1.2)
        response = api.call("POST", "session/keepalive", cid)
        assert response.status_code == HTTPStatus.UNAUTHORIZED
        assert "expired" in response.json()["metadata"]["errorhint"]
