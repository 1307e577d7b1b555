"""Throttles (domain/throttles.py): each limit the contract states for its operation's 429.

The limits are reached by real calls; only the end of a window is simulated, by moving it
in the database, so no test waits for a clock.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest

from nexx_conformance.client import NexxClient
from nexx_reference.contract import load_operations
from nexx_reference.domain.throttles import LIMITS
from nexx_reference.storage import Database

from .conftest import Account
from .test_two_factor_sms import held_login, registered_person


def login(api: NexxClient, name: str, password: str) -> int:
    return api.init().login(name, password).status


def assert_throttled(answer, limit_window: int) -> None:
    assert answer.status == HTTPStatus.TOO_MANY_REQUESTS, answer.describe()
    assert 0 < int(answer.headers["Retry-After"]) <= limit_window


def test_failed_logins_throttle_the_name_even_with_the_right_password(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    limit = LIMITS["login"]
    for _ in range(limit.attempts):
        assert login(auto_api, logged_in_user.username, "wrong-horse-1") == HTTPStatus.FORBIDDEN

    throttled = auto_api.init().login(logged_in_user.username.upper(), logged_in_user.password)

    assert_throttled(throttled, limit.window)


def test_an_unknown_name_is_throttled_like_a_known_one(auto_api: NexxClient) -> None:
    limit = LIMITS["login"]
    for _ in range(limit.attempts):
        assert login(auto_api, "nobody_known_here", "wrong-horse-1") == HTTPStatus.FORBIDDEN

    assert login(auto_api, "nobody_known_here", "wrong-horse-1") == HTTPStatus.TOO_MANY_REQUESTS


def test_a_successful_login_clears_the_count(auto_api: NexxClient, logged_in_user: Account) -> None:
    limit = LIMITS["login"]
    for _ in range(limit.attempts - 1):
        login(auto_api, logged_in_user.username, "wrong-horse-1")
    assert login(auto_api, logged_in_user.username, logged_in_user.password) == HTTPStatus.OK

    assert login(auto_api, logged_in_user.username, "wrong-horse-1") == HTTPStatus.FORBIDDEN


def test_wrong_passwords_throttle_verifypassword(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    limit = LIMITS["verifypassword"]
    for _ in range(limit.attempts):
        answer = logged_in_user.session.post("user/verifypassword", password="wrong-horse-1")
        assert answer.result == {"matches": 0}

    throttled = logged_in_user.session.post("user/verifypassword", password=logged_in_user.password)

    assert_throttled(throttled, limit.window)


def test_requestpass_is_throttled_per_account_information_found_or_not(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    limit = LIMITS["requestpass"]
    for given in (logged_in_user.email, "nobody-throttled@example.org"):
        for _ in range(limit.attempts):
            answer = auto_api.init().get("user/requestpass", token=given)
            assert answer.status == HTTPStatus.OK

        throttled = auto_api.init().get("user/requestpass", token=given)

        assert_throttled(throttled, limit.window)


def test_requestkeycode_is_throttled_per_user_until_the_window_ends(
    sms_api: NexxClient, storage: Database
) -> None:
    limit = LIMITS["requestkeycode"]
    person = registered_person(sms_api)
    session, _ = held_login(sms_api, person)
    for _ in range(limit.attempts):
        assert session.get("user/requestkeycode").status == HTTPStatus.OK

    assert_throttled(session.get("user/requestkeycode"), limit.window)

    with storage.write() as db:
        db.execute(
            "UPDATE throttles SET window_ends = 0 WHERE scope = 'requestkeycode' AND subject = ?",
            (str(person.user_id),),
        )
    assert session.get("user/requestkeycode").status == HTTPStatus.OK


@pytest.mark.parametrize("scope", sorted(LIMITS))
def test_every_limit_is_the_one_the_contract_states(scope: str) -> None:
    operations = load_operations()
    stated = next(op.throttle for op in operations if op.operation_id == scope)
    assert stated is not None, f"{scope}: the contract states no x-nexx-throttle"
    assert (stated["attempts"], stated["window"]) == (LIMITS[scope].attempts, LIMITS[scope].window)
    assert "429" in next(op.responses for op in operations if op.operation_id == scope)
