"""Passwords: reset by mailed link (single use), change (current checked), verify."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from .conftest import Account, Api, Mailbox

NEW_PASSWORD = "battery-staple-9"


def login(api: Api, name: str, password: str) -> int:
    return api.call("POST", "session/login", api.new_session(), data={"username": name, "password": password}).status_code


@pytest.mark.parametrize("by", ["username", "email"])
def test_reset_link_sets_a_new_password_once(auto_api: Api, mailbox: Mailbox, logged_in_user: Account, by: str) -> None:
    given = getattr(logged_in_user, by)
    response = auto_api.call("GET", "user/requestpass", auto_api.new_session(), params={"token": given})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"] == {"status": "requested"}

    step = "the reset mail carries a link; the password is not changed yet"
    token = mailbox.wait_for(logged_in_user.email, "resetpassword").token()
    assert login(auto_api, logged_in_user.username, logged_in_user.password) == HTTPStatus.OK, step

    reset = auto_api.call("POST", f"user/resetpassword/{token}", auto_api.new_session(), data={"newpassword": NEW_PASSWORD})
    assert reset.status_code == HTTPStatus.OK
    assert reset.json()["result"] == {"ID": logged_in_user.user_id, "status": "updated"}
    assert login(auto_api, logged_in_user.username, NEW_PASSWORD) == HTTPStatus.OK
    assert login(auto_api, logged_in_user.username, logged_in_user.password) == HTTPStatus.FORBIDDEN

    step = "the link works once"
    again = auto_api.call("POST", f"user/resetpassword/{token}", auto_api.new_session(), data={"newpassword": "another-pass-3"})
    assert again.status_code == HTTPStatus.CONFLICT, step
    assert login(auto_api, logged_in_user.username, NEW_PASSWORD) == HTTPStatus.OK, step


def test_requestpass_answers_alike_for_an_unknown_account(auto_api: Api) -> None:
    response = auto_api.call("GET", "user/requestpass", auto_api.new_session(), params={"token": "nobody@example.org"})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"] == {"status": "requested"}


def test_unknown_reset_token_is_404(auto_api: Api) -> None:
    response = auto_api.call("POST", "user/resetpassword/" + "B" * 40, auto_api.new_session(),
                             data={"newpassword": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_weak_new_password_is_400(auto_api: Api) -> None:
    response = auto_api.call("POST", "user/resetpassword/" + "B" * 40, auto_api.new_session(),
                             data={"newpassword": "onlyletters"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "newpassword" in response.json()["metadata"]["errorhint"]


def test_changepassword_with_wrong_current_is_403_and_changes_nothing(auto_api: Api, logged_in_user: Account) -> None:
    response = auto_api.call("PUT", "user/changepassword", logged_in_user.cid,
                             data={"currentpassword": "wrong-password-1", "newpassword": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "current password is wrong" in response.json()["metadata"]["errorhint"]
    assert login(auto_api, logged_in_user.username, logged_in_user.password) == HTTPStatus.OK


def test_changepassword_replaces_the_password(auto_api: Api, logged_in_user: Account) -> None:
    response = auto_api.call("PUT", "user/changepassword", logged_in_user.cid,
                             data={"currentpassword": logged_in_user.password, "newpassword": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.OK
    assert login(auto_api, logged_in_user.username, NEW_PASSWORD) == HTTPStatus.OK
    assert login(auto_api, logged_in_user.username, logged_in_user.password) == HTTPStatus.FORBIDDEN
    assert auto_api.call("GET", "user/profile", logged_in_user.cid).status_code == HTTPStatus.OK  # still logged in


@pytest.mark.parametrize("password, matches", [
    pytest.param("correct-horse-7", 1, id="right-password-matches"),
    pytest.param("correct-horse-8", 0, id="wrong-password-does-not-match"),
])
def test_verifypassword(auto_api: Api, logged_in_user: Account, password: str, matches: int) -> None:
    response = auto_api.call("POST", "user/verifypassword", logged_in_user.cid, data={"password": password})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"] == {"matches": matches}
