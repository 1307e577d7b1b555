"""Interactions with media items: idempotent adds, 404 removes, ratings, comments,
purchases, watch progress, and concurrent writes that all land."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest

from .conftest import Account, Api
from .media_steps import (
    BOATS_IMAGE,
    BRIEFING_AUDIO,
    FESTIVAL_EVENT,
    ROWING_TEAM,
    ROWING_VIDEO,
    SUNSET_VIDEO,
    UNKNOWN_VIDEO,
    interact,
    listed,
    media_list,
    register,
)


def test_adding_twice_changes_nothing_the_second_time(auto_api: Api, logged_in_user: Account) -> None:
    first = interact(auto_api, logged_in_user, "addtofavourites", SUNSET_VIDEO)
    assert first == {"action": "addtofavourites", "item": 1, "streamtype": "video", "changed": 1,
                     "added": first["added"]}
    again = interact(auto_api, logged_in_user, "addtofavourites", SUNSET_VIDEO)
    assert (again["changed"], again["added"]) == (0, first["added"])
    assert listed(auto_api, logged_in_user, "favourites") == [SUNSET_VIDEO]


def test_removing_what_is_not_there_is_404(auto_api: Api, logged_in_user: Account) -> None:
    interact(auto_api, logged_in_user, "removefromwatchlist", SUNSET_VIDEO, expect=HTTPStatus.NOT_FOUND)
    interact(auto_api, logged_in_user, "addtowatchlist", SUNSET_VIDEO)
    assert interact(auto_api, logged_in_user, "removefromwatchlist", SUNSET_VIDEO)["changed"] == 1
    interact(auto_api, logged_in_user, "removefromwatchlist", SUNSET_VIDEO, expect=HTTPStatus.NOT_FOUND)


@pytest.mark.parametrize("item", [pytest.param(UNKNOWN_VIDEO, id="unknown-id"),
                                  pytest.param((4, "team"), id="id-unknown-in-this-streamtype")])
def test_an_unknown_item_is_404(auto_api: Api, logged_in_user: Account, item: tuple[int, str]) -> None:
    interact(auto_api, logged_in_user, "addlike", item, expect=HTTPStatus.NOT_FOUND)


def test_another_users_unpublished_item_is_404(auto_api: Api, logged_in_user: Account) -> None:
    draft = auto_api.call("POST", "user/addarticle", logged_in_user.cid, data={"title": "My draft"}).json()["result"]
    stranger = register(auto_api)
    interact(auto_api, stranger, "addlike", (draft["ID"], "article"), expect=HTTPStatus.NOT_FOUND)
    assert interact(auto_api, logged_in_user, "addlike", (draft["ID"], "article"))["changed"] == 1


def test_an_anonymous_session_may_not_interact(auto_api: Api) -> None:
    response = auto_api.call("POST", "interactions/addlike", auto_api.new_session(),
                             data={"item": 1, "streamtype": "video"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_rating_again_replaces_the_rating_and_keeps_the_first_time(auto_api: Api, logged_in_user: Account) -> None:
    first = interact(auto_api, logged_in_user, "addrate", SUNSET_VIDEO, rating=4)
    assert (first["changed"], first["rating"]) == (1, 4)
    assert interact(auto_api, logged_in_user, "addrate", SUNSET_VIDEO, rating=4)["changed"] == 0
    replaced = interact(auto_api, logged_in_user, "addrate", SUNSET_VIDEO, rating=2)
    assert (replaced["changed"], replaced["rating"], replaced["added"]) == (1, 2, first["added"])
    [entry] = media_list(auto_api, logged_in_user.cid, "ratings")["result"]
    assert entry["interaction"]["rating"] == 2
    interact(auto_api, logged_in_user, "addrate", SUNSET_VIDEO, expect=HTTPStatus.BAD_REQUEST, rating=6)


def test_each_comment_is_a_new_entry_and_only_its_author_removes_it(auto_api: Api, logged_in_user: Account) -> None:
    first = interact(auto_api, logged_in_user, "addcomment", SUNSET_VIDEO, text="What a light!")["comment"]
    second = interact(auto_api, logged_in_user, "addcomment", SUNSET_VIDEO, text="Again!")["comment"]
    assert first["ID"] != second["ID"]
    comments = media_list(auto_api, logged_in_user.cid, "comments")["result"]
    assert [entry["interaction"]["comment"]["text"] for entry in comments] == ["Again!", "What a light!"]

    stranger = register(auto_api)
    interact(auto_api, stranger, "removecomment", SUNSET_VIDEO, expect=HTTPStatus.FORBIDDEN, comment=first["ID"])
    interact(auto_api, logged_in_user, "removecomment", ROWING_VIDEO, expect=HTTPStatus.NOT_FOUND,
             comment=first["ID"])
    removed = interact(auto_api, logged_in_user, "removecomment", SUNSET_VIDEO, comment=first["ID"])
    assert removed["comment"] == first
    interact(auto_api, logged_in_user, "removecomment", SUNSET_VIDEO, expect=HTTPStatus.NOT_FOUND,
             comment=first["ID"])
    assert media_list(auto_api, logged_in_user.cid, "comments")["paging"]["resultcount"] == 1


def test_purchase_moves_the_item_from_the_cart(auto_api: Api, logged_in_user: Account) -> None:
    interact(auto_api, logged_in_user, "addtocart", SUNSET_VIDEO)
    interact(auto_api, logged_in_user, "addtocart", BRIEFING_AUDIO)
    bought = interact(auto_api, logged_in_user, "purchase", SUNSET_VIDEO)
    assert (bought["changed"], bought["expires"]) == (1, None)
    assert listed(auto_api, logged_in_user, "cart") == [BRIEFING_AUDIO]
    assert listed(auto_api, logged_in_user, "purchaseditems") == [SUNSET_VIDEO]
    again = interact(auto_api, logged_in_user, "purchase", SUNSET_VIDEO)
    assert (again["changed"], again["purchased"]) == (0, bought["purchased"])


def test_a_rental_expires_and_excludeexpired_leaves_it_out(auto_api: Api, logged_in_user: Account) -> None:
    rented = interact(auto_api, logged_in_user, "purchase", SUNSET_VIDEO, duration=1)
    interact(auto_api, logged_in_user, "purchase", BRIEFING_AUDIO, duration=3600)
    assert rented["expires"] == rented["purchased"] + 1
    while time.time() <= rented["expires"]:
        time.sleep(0.1)
    assert listed(auto_api, logged_in_user, "purchaseditems", excludeExpired=1) == [BRIEFING_AUDIO]
    assert set(listed(auto_api, logged_in_user, "purchaseditems")) == {SUNSET_VIDEO, BRIEFING_AUDIO}
    renewed = interact(auto_api, logged_in_user, "purchase", SUNSET_VIDEO)
    assert (renewed["changed"], renewed["expires"]) == (1, None)


def test_watching_keeps_the_largest_progress_capped_at_the_runtime(auto_api: Api, logged_in_user: Account) -> None:
    assert interact(auto_api, logged_in_user, "addtowatched", SUNSET_VIDEO, progress=95)["progress"] == 95
    back = interact(auto_api, logged_in_user, "addtowatched", SUNSET_VIDEO, progress=20)
    assert (back["progress"], back["completed"], back["changed"]) == (95, 0, 0)
    beyond = interact(auto_api, logged_in_user, "addtowatched", SUNSET_VIDEO, progress=5000)
    # Reaching the end (runtime 183) is watching it to the end.
    assert (beyond["progress"], beyond["completed"], beyond["changed"]) == (183, 1, 1)


def test_completed_stays_once_sent(auto_api: Api, logged_in_user: Account) -> None:
    assert interact(auto_api, logged_in_user, "addtowatched", BRIEFING_AUDIO, progress=10, completed=1)["completed"] == 1
    assert interact(auto_api, logged_in_user, "addtowatched", BRIEFING_AUDIO, progress=30, completed=0)["completed"] == 1


def test_an_item_without_time_has_no_progress(auto_api: Api, logged_in_user: Account) -> None:
    watched = interact(auto_api, logged_in_user, "addtowatched", BOATS_IMAGE, progress=30)
    assert (watched["progress"], watched["completed"]) == (None, 0)
    [entry] = media_list(auto_api, logged_in_user.cid, "history")["result"]
    assert (entry["interaction"]["progress"], entry["interaction"]["completed"]) == (None, 0)


def test_joining_needs_the_right_streamtype(auto_api: Api, logged_in_user: Account) -> None:
    interact(auto_api, logged_in_user, "joinevent", ROWING_TEAM, expect=HTTPStatus.BAD_REQUEST)
    assert interact(auto_api, logged_in_user, "joinevent", FESTIVAL_EVENT)["changed"] == 1
    interact(auto_api, logged_in_user, "leaveteam", ROWING_TEAM, expect=HTTPStatus.NOT_FOUND)


def test_parallel_adds_of_different_items_all_land(auto_api: Api, logged_in_user: Account) -> None:
    items = [(item_id, streamtype) for streamtype in ("video", "audio", "image", "article", "show")
             for item_id in (1, 2, 3)]
    with ThreadPoolExecutor(len(items)) as pool:
        changed = list(pool.map(lambda item: interact(auto_api, logged_in_user, "addtofavourites", item)["changed"],
                                items))
    assert changed == [1] * len(items)
    assert set(listed(auto_api, logged_in_user, "favourites", limit=100)) == set(items)
