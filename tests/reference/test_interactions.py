"""Interactions where the rule depends on the server's own data: item ids per streamtype,
other users' drafts, comments of another domain, the counts of all users' relations, the
verbs the routing takes from the contract, and concurrent writes that all land.

The interaction flows (adds, removes, ratings, comments, purchases, watch progress) are a
scenario: tests/scenarios/test_media_lists.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from nexx_conformance.client import NexxClient
from nexx_conformance.status import METHOD_NOT_ALLOWED, NOT_FOUND

from .conftest import RESTRICTED_DOMAIN, Account, register
from .media_steps import interact, listed, media_list


def test_an_id_of_another_streamtype_is_404(logged_in_user: Account) -> None:
    # The seeded catalogue has videos 1..3 and teams 1..3: ids are per streamtype.
    interact(logged_in_user, "addlike", (4, "team"), expect=NOT_FOUND)
    assert interact(logged_in_user, "addlike", (3, "team"))["changed"] == 1


def test_another_users_unpublished_item_is_404(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    draft = logged_in_user.session.post("user/addarticle", title="My draft").fields
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


def test_a_removal_the_docs_list_as_delete_refuses_post(logged_in_user: Account) -> None:
    interact(logged_in_user, "addlike", (1, "video"))
    answer = logged_in_user.session.post("interactions/removelike", item=1, streamtype="video")
    assert answer.status == METHOD_NOT_ALLOWED and answer.headers["Allow"] == "DELETE"
    assert interact(logged_in_user, "removelike", (1, "video"))["changed"] == 1


def test_a_comment_is_removed_by_its_id_in_its_own_domain_only(
    api: NexxClient, logged_in_user: Account
) -> None:
    comment = interact(logged_in_user, "addcomment", (2, "video"), text="Nice rowing.")["ID"]
    elsewhere = register(api.for_domain(RESTRICTED_DOMAIN))
    answer = elsewhere.session.delete("interactions/removecomment", item=comment)
    assert answer.status == NOT_FOUND, answer.describe()
    removed = logged_in_user.session.delete("interactions/removecomment", item=comment).fields
    assert (removed["ID"], removed["item"], removed["streamtype"]) == (comment, 2, "video")


def test_interactiondata_counts_every_users_relations(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    playlist = logged_in_user.session.post("user/addplaylist", title="Counted", autoPublish=1)
    item = (playlist.fields["ID"], "playlist")
    fan = register(auto_api)
    for account, rating in ((logged_in_user, 2), (fan, 5)):
        interact(account, "addlike", item)
        interact(account, "addrate", item, rating=rating)
    interact(fan, "addtofavourites", item)
    [entry] = media_list(logged_in_user.session, "likes").result
    assert entry["interactiondata"] == {
        "likecount": 2,
        "favouritecount": 1,
        "ratingcount": 2,
        "ratingavg": 3.5,
        "commentcount": 0,
    }
