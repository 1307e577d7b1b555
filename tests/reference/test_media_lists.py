"""The user's media lists: each filled by its interaction, with filters, paging, order,
the flat level, historyformerge, forUserID for the eternal session, and the search history."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest

from nexx_reference.server import RunningServer

from .conftest import Account, Api
from .media_steps import (
    BOATS_IMAGE,
    BRIEFING_AUDIO,
    FESTIVAL_EVENT,
    ROWING_TEAM,
    ROWING_VIDEO,
    SUNSET_VIDEO,
    eternal_list,
    interact,
    listed,
    media_list,
    register,
)

FILLED_BY = [
    pytest.param("favourites", "addtofavourites", {}, "removefromfavourites", id="favourites"),
    pytest.param("watchlist", "addtowatchlist", {}, "removefromwatchlist", id="watchlist"),
    pytest.param("likes", "addlike", {}, "removelike", id="likes"),
    pytest.param("cart", "addtocart", {}, "removefromcart", id="cart"),
    pytest.param("itemsininterest", "expressinterest", {}, "removeinterest", id="itemsininterest"),
    pytest.param("ratings", "addrate", {"rating": 3}, "removerate", id="ratings"),
    pytest.param("history", "addtowatched", {"progress": 10}, "removefromwatched", id="history"),
    pytest.param("purchaseditems", "purchase", {}, None, id="purchaseditems"),
]


@pytest.mark.parametrize(("name", "add", "fields", "remove"), FILLED_BY)
def test_list_holds_what_its_interaction_added_newest_first(auto_api: Api, logged_in_user: Account, name: str,
                                                            add: str, fields: dict, remove: str | None) -> None:
    assert listed(auto_api, logged_in_user, name) == []
    for item in (SUNSET_VIDEO, BOATS_IMAGE, BRIEFING_AUDIO):
        interact(auto_api, logged_in_user, add, item, **fields)
    assert listed(auto_api, logged_in_user, name) == [BRIEFING_AUDIO, BOATS_IMAGE, SUNSET_VIDEO]
    if remove:
        interact(auto_api, logged_in_user, remove, BOATS_IMAGE)
        assert listed(auto_api, logged_in_user, name) == [BRIEFING_AUDIO, SUNSET_VIDEO]


@pytest.mark.parametrize(("name", "join", "leave", "item"), [
    pytest.param("events", "joinevent", "leaveevent", FESTIVAL_EVENT, id="events"),
    pytest.param("teams", "jointeam", "leaveteam", ROWING_TEAM, id="teams"),
])
def test_joined_items_are_listed_and_shown_in_the_profile(auto_api: Api, logged_in_user: Account, name: str,
                                                          join: str, leave: str, item: tuple[int, str]) -> None:
    joined = interact(auto_api, logged_in_user, join, item)
    assert listed(auto_api, logged_in_user, name) == [item]
    profile = auto_api.call("GET", "user/profile", logged_in_user.cid,
                            params={"addEventData": 1, "addGroupData": 1}).json()["result"]
    shown = profile["events" if name == "events" else "groups"]
    assert [(entry["ID"], entry["joined"]) for entry in shown] == [(item[0], joined["added"])]
    interact(auto_api, logged_in_user, leave, item)
    assert listed(auto_api, logged_in_user, name) == []


def test_full_items_carry_the_whole_relation_to_the_item(auto_api: Api, logged_in_user: Account) -> None:
    interact(auto_api, logged_in_user, "addtowatched", SUNSET_VIDEO, progress=60)
    interact(auto_api, logged_in_user, "addrate", SUNSET_VIDEO, rating=5)
    bought = interact(auto_api, logged_in_user, "purchase", SUNSET_VIDEO, duration=3600)
    liked = interact(auto_api, logged_in_user, "addlike", SUNSET_VIDEO)
    [entry] = media_list(auto_api, logged_in_user.cid, "likes")["result"]
    assert entry["general"]["title"] == "Sunset over the harbour" and entry["general"]["runtime"] == 183
    assert entry["interaction"] == {"added": liked["added"], "progress": 60, "completed": 0, "rating": 5,
                                    "comment": None, "purchased": bought["purchased"], "expires": bought["expires"]}


def test_flat_level_gives_minimal_items(auto_api: Api, logged_in_user: Account) -> None:
    interact(auto_api, logged_in_user, "addlike", SUNSET_VIDEO)
    [entry] = media_list(auto_api, logged_in_user.cid, "likes", mediaDataLevel="flat")["result"]
    assert set(entry) == {"ID", "GID", "hash", "title", "streamtype"}
    assert (entry["ID"], entry["title"]) == (1, "Sunset over the harbour")


def test_streamtype_filter_paging_and_order(auto_api: Api, logged_in_user: Account) -> None:
    items = [(item_id, streamtype) for streamtype in ("video", "audio") for item_id in (1, 2, 3)]
    for item in items:
        interact(auto_api, logged_in_user, "addtowatchlist", item)
    assert listed(auto_api, logged_in_user, "watchlist", streamtype="audio") == [(3, "audio"), (2, "audio"), (1, "audio")]
    page = media_list(auto_api, logged_in_user.cid, "watchlist", start=2, limit=2, orderDir="ASC")
    assert [tuple(e["general"][k] for k in ("ID", "streamtype")) for e in page["result"]] == [(3, "video"), (1, "audio")]
    assert page["paging"] == {"start": 2, "limit": 2, "resultcount": 6}
    beyond = media_list(auto_api, logged_in_user.cid, "watchlist", start=50)
    assert beyond["result"] == [] and beyond["paging"]["resultcount"] == 6
    titles = [e["general"]["title"] for e in media_list(auto_api, logged_in_user.cid, "watchlist",
                                                        streamtype="video", orderBy="title", orderDir="ASC")["result"]]
    assert titles == ["Rowing at dawn", "Sunset over the harbour", "The lighthouse keeper"]
    by_id = listed(auto_api, logged_in_user, "watchlist", streamtype="video", orderBy="ID")
    assert by_id == [(3, "video"), (2, "video"), (1, "video")]


def test_bad_list_parameters_are_400(auto_api: Api, logged_in_user: Account) -> None:
    for params in ({"limit": 0}, {"limit": 101}, {"orderBy": "rating"}, {"streamtype": "podcast"}, {"start": -1}):
        media_list(auto_api, logged_in_user.cid, "favourites", expect=HTTPStatus.BAD_REQUEST, **params)


def test_history_can_leave_out_completed_items(auto_api: Api, logged_in_user: Account) -> None:
    interact(auto_api, logged_in_user, "addtowatched", SUNSET_VIDEO, progress=183)
    interact(auto_api, logged_in_user, "addtowatched", ROWING_VIDEO, progress=10)
    assert listed(auto_api, logged_in_user, "history") == [ROWING_VIDEO, SUNSET_VIDEO]
    assert listed(auto_api, logged_in_user, "history", excludeCompleted=1) == [ROWING_VIDEO]


def test_historyformerge_returns_all_ids_unpaged(auto_api: Api, logged_in_user: Account, server: RunningServer) -> None:
    interact(auto_api, logged_in_user, "addtowatched", SUNSET_VIDEO, progress=183)
    interact(auto_api, logged_in_user, "addtowatched", BRIEFING_AUDIO, progress=1200)
    interact(auto_api, logged_in_user, "addtowatched", BOATS_IMAGE)
    body = media_list(auto_api, logged_in_user.cid, "historyformerge")
    assert "paging" not in body
    assert body["result"] == [{"ID": 1, "streamtype": "image"}, {"ID": 1, "streamtype": "audio"},
                              {"ID": 1, "streamtype": "video"}]
    with_progress = media_list(auto_api, logged_in_user.cid, "historyformerge", includeProgress=1,
                               streamtypes="video,audio", excludeCompleted=1)["result"]
    assert with_progress == [{"ID": 1, "streamtype": "audio", "progress": 1200}]

    # Watched 40 days ago: the storage is backdated, as no client can watch in the past.
    with server.app.state.services.db.write() as db:
        db.execute("UPDATE interactions SET added = ? WHERE user_id = ? AND list = 'history' AND gid ="
                   " (SELECT gid FROM media_items WHERE domain = ? AND streamtype = 'image' AND item_id = 1)",
                   (time.time() - 40 * 86400, logged_in_user.user_id, auto_api.domain))
    recent = media_list(auto_api, logged_in_user.cid, "historyformerge", maxDays=30)["result"]
    assert [entry["streamtype"] for entry in recent] == ["audio", "video"]


def test_the_eternal_session_reads_lists_for_a_user(auto_api: Api, logged_in_user: Account) -> None:
    interact(auto_api, logged_in_user, "addlike", SUNSET_VIDEO)
    response = eternal_list(auto_api, "likes", forUserID=logged_in_user.user_id)
    assert response.status_code == HTTPStatus.OK
    assert [entry["general"]["ID"] for entry in response.json()["result"]] == [1]
    merge = eternal_list(auto_api, "historyformerge", forUserID=logged_in_user.user_id)
    assert (merge.status_code, merge.json()["result"]) == (HTTPStatus.OK, [])


@pytest.mark.parametrize(("who", "params", "status"), [
    pytest.param("eternal", {}, HTTPStatus.FORBIDDEN, id="eternal-without-forUserID-403"),
    pytest.param("eternal", {"forUserID": 2147483000}, HTTPStatus.NOT_FOUND, id="unknown-user-404"),
    pytest.param("user", {"forUserID": 1}, HTTPStatus.FORBIDDEN, id="user-with-forUserID-403"),
])
def test_foruserid_is_for_the_eternal_session_only(auto_api: Api, logged_in_user: Account, who: str,
                                                   params: dict, status: int) -> None:
    if who == "eternal":
        assert eternal_list(auto_api, "favourites", **params).status_code == status
    else:
        media_list(auto_api, logged_in_user.cid, "favourites", expect=status, **params)


def test_search_finds_published_items_and_fills_the_search_history(auto_api: Api, logged_in_user: Account) -> None:
    found = auto_api.call("GET", "media/byquery/HARBOUR", logged_in_user.cid,
                          params={"streamtype": "video", "orderBy": "title"}).json()
    assert [e["general"]["title"] for e in found["result"]] == ["Sunset over the harbour"]
    assert found["result"][0]["interaction"] is None
    assert listed(auto_api, logged_in_user, "searchhistory") == [SUNSET_VIDEO]

    page = auto_api.call("GET", "media/byquery/harbour", logged_in_user.cid, params={"limit": 2}).json()
    assert len(page["result"]) == 2 and page["paging"]["resultcount"] > 2
    history = media_list(auto_api, logged_in_user.cid, "searchhistory")
    # Only the returned page is recorded.
    assert history["paging"]["resultcount"] == 3


def test_anonymous_search_has_no_history_and_unpublished_items_stay_hidden(auto_api: Api,
                                                                            logged_in_user: Account) -> None:
    auto_api.call("POST", "user/addarticle", logged_in_user.cid, data={"title": "Zanzibar harbour draft"})
    for cid in (auto_api.new_session(), logged_in_user.cid):
        response = auto_api.call("GET", "media/byquery/zanzibar", cid)
        assert response.status_code == HTTPStatus.OK and response.json()["result"] == []


def test_unregister_removes_the_users_items_from_other_lists(auto_api: Api, logged_in_user: Account) -> None:
    created = auto_api.call("POST", "user/addplaylist", logged_in_user.cid,
                            data={"title": "Gone soon", "autoPublish": 1}).json()["result"]
    fan = register(auto_api)
    interact(auto_api, fan, "addtofavourites", (created["ID"], "playlist"))
    assert listed(auto_api, fan, "favourites") == [(created["ID"], "playlist")]
    assert auto_api.call("DELETE", "user/unregister", logged_in_user.cid).status_code == HTTPStatus.OK
    assert listed(auto_api, fan, "favourites") == []
    assert eternal_list(auto_api, "uploads", forUserID=logged_in_user.user_id).status_code == HTTPStatus.NOT_FOUND
    # The removed playlist's id is not given to the next one: a stale reference names nothing.
    after = auto_api.call("POST", "user/addplaylist", fan.cid, data={"title": "Mine"}).json()["result"]
    assert after["ID"] > created["ID"]
