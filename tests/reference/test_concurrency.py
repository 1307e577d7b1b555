"""Parallel clients: no lost writes, and a uniqueness race has exactly one winner."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from nexx_conformance.client import NexxClient
from nexx_conformance.status import CONFLICT, CREATED, OK

from .conftest import PASSWORD, Account, unique_name

PARALLEL = 20


def register(api: NexxClient, username: str, email: str) -> int:
    return (
        api.init().post("user/register", username=username, email=email, password=PASSWORD).status
    )


def test_parallel_registrations_of_distinct_users_all_succeed(api: NexxClient) -> None:
    names = [unique_name("par") for _ in range(PARALLEL)]
    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(lambda n: register(api, n, f"{n}@example.org"), names))
    assert statuses == [CREATED] * PARALLEL
    with ThreadPoolExecutor(PARALLEL) as pool:
        taken = list(
            pool.map(
                lambda n: api.init().post(f"user/verifyaccountdetailsunique/{n}").result["unique"],
                names,
            )
        )
    assert taken == [0] * PARALLEL


def test_parallel_registrations_of_one_username_have_one_winner(api: NexxClient) -> None:
    name = unique_name("race")
    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = Counter(
            pool.map(lambda i: register(api, name, f"{name}-{i}@example.org"), range(PARALLEL))
        )
    assert statuses == {CREATED: 1, CONFLICT: PARALLEL - 1}


def test_parallel_writes_of_one_user_are_all_kept(logged_in_user: Account) -> None:
    session = logged_in_user.session

    def subscribe(channel: int) -> int:
        return session.put(f"user/updatechannelsubscriptions?channel={channel}&viapush=1").status

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(subscribe, range(1, PARALLEL + 1)))
    assert statuses == [OK] * PARALLEL
    profile = session.get("user/profile").result
    assert [s["channel"] for s in profile["channelsubscriptions"]] == list(range(1, PARALLEL + 1))
