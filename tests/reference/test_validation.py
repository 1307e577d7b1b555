"""Input rules come from the contract: each violation is a 400 naming the parameter and rule."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from .conftest import ETERNAL_CID, Account, Api

ACCOUNT = {"username": "valid_name", "email": "valid@example.org", "password": "correct-horse-7"}


@pytest.mark.parametrize("change, hint", [
    pytest.param({"email": "not-an-email"}, "parameter 'email' must be a valid email address", id="email-format"),
    pytest.param({"birthday": "1990-13-01"}, "parameter 'birthday' must be a valid date (YYYY-MM-DD)", id="date-format"),
    pytest.param({"birthday": "19900501"}, "parameter 'birthday' must be a valid date (YYYY-MM-DD)", id="basic-date-refused"),
    pytest.param({"gender": "robot"}, "parameter 'gender' must be one of male, female, diverse, unknown", id="enum"),
    pytest.param({"phone": "0176 123"}, "parameter 'phone' must match the pattern", id="pattern"),
    pytest.param({"username": "ab"}, "parameter 'username' must be at least 3 characters long", id="min-length"),
    pytest.param({"password": "lettersonly"}, "parameter 'password' must match the pattern", id="password-needs-digit"),
    pytest.param({"skipLogin": "2"}, "parameter 'skipLogin' must be one of 0, 1", id="flag"),
    pytest.param({"connectedForm": "seven"}, "parameter 'connectedForm' must be an integer", id="integer-type"),
    pytest.param({"username": None}, "parameter 'username' is required", id="manual-needs-username"),
    pytest.param({"connectedForm": "2147483648"}, "parameter 'connectedForm' must be at most", id="integer-maximum"),
    pytest.param({"connectedForm": "334714702617342967808"}, "integer 334714702617342967808 is out of range",
                 id="beyond-64-bits-is-400-not-500"),
])
def test_register_input_rules(api: Api, change: dict, hint: str) -> None:
    data = {k: v for k, v in {**ACCOUNT, **change}.items() if v is not None}
    response = api.call("POST", "user/register", api.new_session(), data=data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["metadata"]["errorhint"].startswith(hint)


def test_social_login_needs_its_token(api: Api) -> None:
    response = api.call("POST", "session/login", api.new_session(), data={"provider": "google"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["metadata"]["errorhint"] == "parameter 'token' is required"


def test_query_integer_below_minimum(auto_api: Api, logged_in_user: Account) -> None:
    response = auto_api.call("PUT", "user/updatechannelsubscriptions", logged_in_user.cid, params={"channel": 0})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["metadata"]["errorhint"] == "parameter 'channel' must be at least 1"


def test_path_token_too_short(api: Api) -> None:
    response = api.call("POST", "user/authorize/short", api.new_session())
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "parameter 'token'" in response.json()["metadata"]["errorhint"]


def test_body_integer_for_the_eternal_session(api: Api) -> None:
    response = api.call("POST", "user/resendwelcomemail", ETERNAL_CID, data={"forUserID": "abc"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["metadata"]["errorhint"] == "parameter 'forUserID' must be an integer"


def test_a_json_body_is_refused(api: Api) -> None:
    response = api.call("POST", "user/register", api.new_session(), json=ACCOUNT)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "application/x-www-form-urlencoded" in response.json()["metadata"]["errorhint"]


def test_a_body_that_is_not_utf8_is_400_not_500(api: Api) -> None:
    response = api.call("POST", "user/register", api.new_session(), content=b"username=\xff\xfe",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_the_errorhint_never_echoes_a_password(api: Api) -> None:
    response = api.call("POST", "user/register", api.new_session(), data={**ACCOUNT, "password": "x" * 200})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "x" * 20 not in response.text


@pytest.mark.parametrize("domain", ["0", "-1", "abc", "99999999999"])
def test_malformed_domain_ids_are_404(api: Api, domain: str) -> None:
    import httpx

    response = httpx.post(f"{api.base_url}/{domain}/session/init", data={"nxp_devh": "device-0001"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["metadata"]["errorhint"].startswith("unknown domain")
