"""Media lists where the rule needs the server's storage or another area: historyformerge's
maxDays (a backdated watch), unpublished items in a search, the items of a removed user, and
the runtimes of the seeded catalogue.

The list flows (filled by their interactions, filters, flat level, paging, order,
historyformerge, forUserID, the search history) are a scenario:
tests/scenarios/test_media_lists.py.
"""

from __future__ import annotations

import time

from nexx_conformance.client import NexxClient
from nexx_conformance.status import NOT_FOUND, OK
from nexx_reference.storage import Database

from .conftest import Account, register
from .media_steps import (
    BOATS_IMAGE,
    BRIEFING_AUDIO,
    SUNSET_VIDEO,
    eternal_list,
    interact,
    listed,
    media_list,
)


def test_historyformerge_max_days_leaves_out_older_watches(
    auto_api: NexxClient, logged_in_user: Account, storage: Database
) -> None:
    interact(logged_in_user, "addtowatched", SUNSET_VIDEO, progress=183)
    interact(logged_in_user, "addtowatched", BRIEFING_AUDIO, progress=1200)
    interact(logged_in_user, "addtowatched", BOATS_IMAGE)
    # Watched 40 days ago: the storage is backdated, as no client can watch in the past.
    with storage.write() as db:
        db.execute(
            "UPDATE interactions SET added = ? WHERE user_id = ? AND list = 'history' AND gid ="
            " (SELECT gid FROM media_items WHERE domain = ? AND streamtype = 'image' AND item_id = 1)",
            (time.time() - 40 * 86400, logged_in_user.user_id, auto_api.domain_id),
        )
    recent = media_list(logged_in_user.session, "historyformerge", maxDays=30).result
    assert [entry["streamtype"] for entry in recent] == ["audio", "video"]


def test_anonymous_search_has_no_history_and_unpublished_items_stay_hidden(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    logged_in_user.session.post("user/addarticle", title="Zanzibar harbour draft")
    for session in (auto_api.init(), logged_in_user.session):
        answer = session.get("media/byquery/zanzibar")
        assert answer.status == OK and answer.result == []


def test_unregister_removes_the_users_items_from_other_lists(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    created = logged_in_user.session.post(
        "user/addplaylist", title="Gone soon", autoPublish=1
    ).fields
    fan = register(auto_api)
    interact(fan, "addtofavourites", (created["ID"], "playlist"))
    assert listed(fan, "favourites") == [(created["ID"], "playlist")]
    assert logged_in_user.session.delete("user/unregister").status == OK
    assert listed(fan, "favourites") == []
    assert eternal_list(auto_api, "uploads", forUserID=logged_in_user.user_id).status == NOT_FOUND
    # The removed playlist's id is not given to the next one: a stale reference names nothing.
    after = fan.session.post("user/addplaylist", title="Mine").fields
    assert after["ID"] > created["ID"]


def test_a_runtime_is_hours_minutes_seconds_and_only_time_based_items_have_one(
    logged_in_user: Account,
) -> None:
    for item in (SUNSET_VIDEO, BRIEFING_AUDIO, BOATS_IMAGE):
        interact(logged_in_user, "addtofavourites", item)
    runtimes = {
        entry["general"]["streamtype"]: entry["general"].get("runtime")
        for entry in media_list(logged_in_user.session, "favourites").result
    }
    assert runtimes == {"video": "00:03:03", "audio": "00:21:00", "image": None}
