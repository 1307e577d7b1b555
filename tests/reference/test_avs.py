"""Age verification: a transaction sets the age class only when verified, once, for its user."""

from __future__ import annotations

from http import HTTPStatus

import httpx

from .conftest import Account, Api


def prepare(api: Api, account: Account, ageclass: int = 18, provider: str = "idnow") -> httpx.Response:
    return api.call("POST", "user/prepareavsupdate", account.cid,
                    data={"provider": provider, "ageclass": ageclass})


def finish(api: Api, account: Account, transaction: int, passed: int) -> httpx.Response:
    return api.call("POST", "user/finishavsupdate", account.cid,
                    data={"transaction": transaction, "transactionresult": passed})


def ageclass(api: Api, account: Account) -> int:
    return api.call("GET", "user/profile", account.cid).json()["result"]["ageclass"]


def started(api: Api, account: Account, age: int = 18) -> int:
    response = prepare(api, account, age)
    assert response.status_code == HTTPStatus.OK, response.text
    return response.json()["result"]["transaction"]


def test_verified_transaction_sets_the_age_class_once(auto_api: Api, logged_in_user: Account) -> None:
    transaction = started(auto_api, logged_in_user, 16)
    assert ageclass(auto_api, logged_in_user) == 0

    response = finish(auto_api, logged_in_user, transaction, 1)

    assert response.json()["result"] == {"transaction": transaction, "status": "verified", "ageclass": 16}
    assert ageclass(auto_api, logged_in_user) == 16
    assert finish(auto_api, logged_in_user, transaction, 1).status_code == HTTPStatus.CONFLICT


def test_rejected_transaction_leaves_the_age_class(auto_api: Api, logged_in_user: Account) -> None:
    transaction = started(auto_api, logged_in_user)

    response = finish(auto_api, logged_in_user, transaction, 0)

    assert response.json()["result"] == {"transaction": transaction, "status": "rejected", "ageclass": 0}
    assert ageclass(auto_api, logged_in_user) == 0
    assert finish(auto_api, logged_in_user, transaction, 1).status_code == HTTPStatus.CONFLICT
    assert ageclass(auto_api, logged_in_user) == 0


def test_another_users_transaction_is_403(auto_api: Api, logged_in_user: Account) -> None:
    owner = logged_in_user
    transaction = started(auto_api, owner)
    stranger_cid = auto_api.new_session()
    name = f"stranger_{transaction}_{owner.user_id}"
    auto_api.call("POST", "user/register", stranger_cid,
                  data={"username": name, "email": f"{name}@example.org", "password": "correct-horse-7"})
    stranger = Account(name, f"{name}@example.org", "correct-horse-7", 0, stranger_cid)

    assert finish(auto_api, stranger, transaction, 1).status_code == HTTPStatus.FORBIDDEN
    assert ageclass(auto_api, stranger) == 0
    assert finish(auto_api, owner, transaction, 1).status_code == HTTPStatus.OK


def test_unknown_transaction_is_404(auto_api: Api, logged_in_user: Account) -> None:
    assert finish(auto_api, logged_in_user, 2_000_000_000, 1).status_code == HTTPStatus.NOT_FOUND


def test_age_class_held_already_is_409(auto_api: Api, logged_in_user: Account) -> None:
    finish(auto_api, logged_in_user, started(auto_api, logged_in_user, 18), 1)
    assert prepare(auto_api, logged_in_user, 16).status_code == HTTPStatus.CONFLICT
    assert prepare(auto_api, logged_in_user, 18).status_code == HTTPStatus.CONFLICT


def test_prepare_names_the_transaction_and_rejects_bad_input(auto_api: Api, logged_in_user: Account) -> None:
    result = prepare(auto_api, logged_in_user, 18, "schufa").json()["result"]
    assert (result["provider"], result["ageclass"]) == ("schufa", 18)
    assert result["url"].endswith(f"/schufa/{result['transaction']}")
    assert prepare(auto_api, logged_in_user, 17).status_code == HTTPStatus.BAD_REQUEST
    assert prepare(auto_api, logged_in_user, 18, "Not A Provider").status_code == HTTPStatus.BAD_REQUEST
