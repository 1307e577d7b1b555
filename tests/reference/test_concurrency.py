"""Parallel clients: no lost writes, and a uniqueness race has exactly one winner."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

from .conftest import Account, Api, unique_name

PARALLEL = 20


def register(api: Api, username: str, email: str) -> int:
    return api.call("POST", "user/register", api.new_session(),
                    data={"username": username, "email": email, "password": "correct-horse-7"}).status_code


def test_parallel_registrations_of_distinct_users_all_succeed(api: Api) -> None:
    names = [unique_name("par") for _ in range(PARALLEL)]
    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(lambda n: register(api, n, f"{n}@example.org"), names))
    assert statuses == [HTTPStatus.CREATED] * PARALLEL
    with ThreadPoolExecutor(PARALLEL) as pool:
        taken = list(pool.map(
            lambda n: api.call("POST", f"user/verifyaccountdetailsunique/{n}", api.new_session()).json()["result"]["unique"],
            names))
    assert taken == [0] * PARALLEL


def test_parallel_registrations_of_one_username_have_one_winner(api: Api) -> None:
    name = unique_name("race")
    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = Counter(pool.map(lambda i: register(api, name, f"{name}-{i}@example.org"), range(PARALLEL)))
    assert statuses == {HTTPStatus.CREATED: 1, HTTPStatus.CONFLICT: PARALLEL - 1}


def test_parallel_writes_of_one_user_are_all_kept(auto_api: Api, logged_in_user: Account) -> None:
    def subscribe(channel: int) -> int:
        return auto_api.call("PUT", "user/updatechannelsubscriptions", logged_in_user.cid,
                             params={"channel": channel, "viapush": 1}).status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(subscribe, range(1, PARALLEL + 1)))
    assert statuses == [HTTPStatus.OK] * PARALLEL
    profile = auto_api.call("GET", "user/profile", logged_in_user.cid).json()["result"]
    assert [s["channel"] for s in profile["channelsubscriptions"]] == list(range(1, PARALLEL + 1))
