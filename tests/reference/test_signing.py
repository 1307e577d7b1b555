"""Signing and the order of checks: domain 404, signature/session 401, input 400, kind 403."""

from __future__ import annotations

from http import HTTPStatus

import httpx

from .conftest import ETERNAL_CID, Api


def test_unknown_domain_is_404_before_anything_else(api: Api) -> None:
    response = api.call("POST", "session/keepalive", "no-such-session", domain=999)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["metadata"]["fordomain"] == 999
    assert "unknown domain" in response.json()["metadata"]["errorhint"]


def test_missing_token_is_401_naming_the_header(api: Api) -> None:
    response = api.call("POST", "session/keepalive", api.new_session(), signed=False)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "X-Request-Token" in response.json()["metadata"]["errorhint"]


def test_missing_cid_is_401_naming_the_header(api: Api) -> None:
    response = api.call("POST", "session/keepalive")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "X-Request-CID" in response.json()["metadata"]["errorhint"]


def test_wrong_token_is_401(api: Api) -> None:
    response = api.call("POST", "session/keepalive", api.new_session(), token="0" * 32)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "invalid X-Request-Token for operation 'keepalive'" in response.json()["metadata"]["errorhint"]


def test_token_of_another_operation_is_401(api: Api) -> None:
    cid = api.new_session()
    import hashlib

    from .conftest import SECRET

    logout_token = hashlib.md5(f"logout{api.domain}{SECRET}".encode()).hexdigest()
    response = api.call("POST", "session/keepalive", cid, token=logout_token)
    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_unknown_session_is_401(api: Api) -> None:
    response = api.call("POST", "session/keepalive", "x" * 43)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "unknown session" in response.json()["metadata"]["errorhint"]


def test_session_of_another_domain_is_401(api: Api, auto_api: Api) -> None:
    response = api.call("POST", "session/keepalive", auto_api.new_session())
    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_signed_bad_input_is_400_even_for_the_wrong_session_kind(api: Api) -> None:
    # profile needs a logged-in user (403), but the bad flag is reported first.
    response = api.call("GET", "user/profile", api.new_session(), params={"addEventData": "7"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "addEventData" in response.json()["metadata"]["errorhint"]


def test_user_operation_with_anonymous_session_is_403(api: Api) -> None:
    response = api.call("GET", "user/profile", api.new_session())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["metadata"]["errorhint"] == "this operation needs a logged-in user"


def test_eternal_operation_with_ordinary_session_is_403(api: Api) -> None:
    response = api.call("POST", "user/resendwelcomemail", api.new_session(), data={"forUserID": 1})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "eternal session" in response.json()["metadata"]["errorhint"]


def test_eternal_session_is_accepted_for_eternal_operations(api: Api) -> None:
    response = api.call("POST", "user/resendwelcomemail", ETERNAL_CID, data={"forUserID": 2147483647})
    assert response.status_code == HTTPStatus.NOT_FOUND  # signed and allowed; the user is unknown


def test_unknown_path_answers_with_the_envelope(api: Api) -> None:
    response = httpx.get(f"{api.base_url}/{api.domain}/user/nosuchoperation")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["result"] is None
    assert response.json()["metadata"]["errorhint"]


def test_wrong_method_is_405_with_allow(api: Api) -> None:
    response = httpx.get(f"{api.base_url}/{api.domain}/session/init")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.headers["allow"] == "POST"
    assert response.json()["metadata"]["status"] == HTTPStatus.METHOD_NOT_ALLOWED


def test_cfo_is_echoed_as_calledfor(api: Api) -> None:
    response = api.call("POST", "session/init", signed=False, data={"nxp_devh": "device-0001", "cfo": "web"})
    metadata = response.json()["metadata"]
    assert metadata["calledfor"] == "web"
    assert metadata["calledwith"] == f"/{api.domain}/session/init"
    assert metadata["apiversion"] == "3.1" and metadata["verb"] == "POST"
