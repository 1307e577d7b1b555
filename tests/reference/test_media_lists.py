"""Media lists where the rule needs the server's storage or another area: historyformerge's
maxDays (a backdated watch), unpublished items in a search, and the items of a removed user.

The list flows (filled by their interactions, filters, flat level, paging, order,
historyformerge, forUserID, the search history) are a scenario:
tests/scenarios/test_media_lists.py.
"""

from __future__ import annotations

import time
from http import HTTPStatus

from nexx_reference.server import RunningServer

from .conftest import Account, Api
from .media_steps import (
    BOATS_IMAGE,
    BRIEFING_AUDIO,
    SUNSET_VIDEO,
    eternal_list,
    interact,
    listed,
    media_list,
    register,
)


def test_historyformerge_max_days_leaves_out_older_watches(auto_api: Api, logged_in_user: Account,
                                                           server: RunningServer) -> None:
    interact(auto_api, logged_in_user, "addtowatched", SUNSET_VIDEO, progress=183)
    interact(auto_api, logged_in_user, "addtowatched", BRIEFING_AUDIO, progress=1200)
    interact(auto_api, logged_in_user, "addtowatched", BOATS_IMAGE)
    # Watched 40 days ago: the storage is backdated, as no client can watch in the past.
    with server.app.state.services.db.write() as db:
        db.execute("UPDATE interactions SET added = ? WHERE user_id = ? AND list = 'history' AND gid ="
                   " (SELECT gid FROM media_items WHERE domain = ? AND streamtype = 'image' AND item_id = 1)",
                   (time.time() - 40 * 86400, logged_in_user.user_id, auto_api.domain))
    recent = media_list(auto_api, logged_in_user.cid, "historyformerge", maxDays=30)["result"]
    assert [entry["streamtype"] for entry in recent] == ["audio", "video"]


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
