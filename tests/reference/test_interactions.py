"""Interactions where the rule depends on the server's own data: item ids per streamtype,
other users' drafts, and concurrent writes that all land.

The interaction flows (adds, removes, ratings, comments, purchases, watch progress) are a
scenario: tests/scenarios/test_media_lists.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from nexx_conformance.client import NexxClient
from nexx_conformance.status import NOT_FOUND

from .conftest import Account, register
from .media_steps import interact, listed


def test_an_id_of_another_streamtype_is_404(logged_in_user: Account) -> None:
    # The seeded catalogue has videos 1..3 and teams 1..3: ids are per streamtype.
    interact(logged_in_user, "addlike", (4, "team"), expect=NOT_FOUND)
    assert interact(logged_in_user, "addlike", (3, "team"))["changed"] == 1


def test_another_users_unpublished_item_is_404(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    draft = logged_in_user.session.post("user/addarticle", title="My draft").result
    stranger = register(auto_api)
    interact(stranger, "addlike", (draft["ID"], "article"), expect=NOT_FOUND)
    assert interact(logged_in_user, "addlike", (draft["ID"], "article"))["changed"] == 1


def test_parallel_adds_of_different_items_all_land(logged_in_user: Account) -> None:
    items = [
        (item_id, streamtype)
        for streamtype in ("video", "audio", "image", "article", "show")
        for item_id in (1, 2, 3)
    ]
    with ThreadPoolExecutor(len(items)) as pool:
        changed = list(
            pool.map(
                lambda item: interact(logged_in_user, "addtofavourites", item)["changed"], items
            )
        )
    assert changed == [1] * len(items)
    assert set(listed(logged_in_user, "favourites", limit=100)) == set(items)
