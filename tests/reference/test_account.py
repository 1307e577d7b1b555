"""The logged-in user's account: profile, updates, subscriptions, push, takeout, unregister."""

from __future__ import annotations

from http import HTTPStatus

from .conftest import Account, Api, Mailbox, unique_name


def profile(api: Api, account: Account, **params: int) -> dict:
    response = api.call("GET", "user/profile", account.cid, params=params)
    assert response.status_code == HTTPStatus.OK
    return response.json()["result"]


def test_profile_lists_events_and_groups_only_when_asked(auto_api: Api, logged_in_user: Account) -> None:
    assert "events" not in profile(auto_api, logged_in_user)
    asked = profile(auto_api, logged_in_user, addEventData=1, addGroupData=1)
    assert asked["events"] == [] and asked["groups"] == []


def test_updatedata_changes_only_what_is_sent(auto_api: Api, logged_in_user: Account) -> None:
    response = auto_api.call("PUT", "user/updatedata", logged_in_user.cid,
                             data={"lastname": "Liddell", "country": "DE", "phone": "+4917612345678"})
    assert response.json()["result"] == {"ID": logged_in_user.user_id, "status": "updated"}
    user = profile(auto_api, logged_in_user)
    assert (user["lastname"], user["country"], user["phone"]) == ("Liddell", "DE", "+4917612345678")
    assert user["email"] == logged_in_user.email


def test_updatedata_refuses_username_and_password(auto_api: Api, logged_in_user: Account) -> None:
    for field, value in (("username", "new_name_1"), ("password", "new-password-1")):
        response = auto_api.call("PUT", "user/updatedata", logged_in_user.cid, data={field: value})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert f"'{field}'" in response.json()["metadata"]["errorhint"]


def test_updatedata_to_a_taken_email_is_409(auto_api: Api, logged_in_user: Account) -> None:
    other = unique_name()
    auto_api.call("POST", "user/register", auto_api.new_session(),
                  data={"username": other, "email": f"{other}@example.org", "password": "correct-horse-7"})
    response = auto_api.call("PUT", "user/updatedata", logged_in_user.cid, data={"email": f"{other}@example.org"})
    assert response.status_code == HTTPStatus.CONFLICT


def test_updatestatus_shows_in_the_profile(auto_api: Api, logged_in_user: Account) -> None:
    response = auto_api.call("PUT", "user/updatestatus", logged_in_user.cid, data={"status": "Watching the finals"})
    assert response.json()["result"]["status"] == "updated"
    assert profile(auto_api, logged_in_user)["status"] == "Watching the finals"


def test_channel_subscriptions_and_unsubscribe(auto_api: Api, logged_in_user: Account) -> None:
    stored = auto_api.call("PUT", "user/updatechannelsubscriptions", logged_in_user.cid,
                           params={"channel": 12, "viamail": 1})
    assert stored.json()["result"] == {"channel": 12, "viamail": 1, "viapush": 0}
    auto_api.call("PUT", "user/updatechannelsubscriptions", logged_in_user.cid,
                  params={"channel": 13, "viamail": 1, "viapush": 1})
    assert len(profile(auto_api, logged_in_user)["channelsubscriptions"]) == 2

    response = auto_api.call("DELETE", "user/unsubscribe", logged_in_user.cid)
    assert response.json()["result"] == {"ID": logged_in_user.user_id, "status": "unsubscribed"}
    user = profile(auto_api, logged_in_user)
    assert user["newsletter"] == 0
    assert user["channelsubscriptions"] == [{"channel": 13, "viamail": 0, "viapush": 1}]


def test_registerdeviceforpush_marks_the_session_device(auto_api: Api, logged_in_user: Account) -> None:
    device = auto_api.call("POST", "session/keepalive", logged_in_user.cid).json()["result"]["device"]["hash"]
    response = auto_api.call("POST", "user/registerdeviceforpush", logged_in_user.cid, data={"token": "fcm-abc"})
    assert response.json()["result"] == {"device": device, "push": 1}


def test_requesttakeout_mails_the_user(auto_api: Api, mailbox: Mailbox, logged_in_user: Account) -> None:
    first = auto_api.call("POST", "user/requesttakeout", logged_in_user.cid).json()["result"]
    second = auto_api.call("POST", "user/requesttakeout", logged_in_user.cid).json()["result"]
    assert first["status"] == "requested" and second["takeout"] > first["takeout"]
    assert mailbox.wait_for(logged_in_user.email, "takeout")


def test_unregister_removes_the_user_their_data_and_logins(auto_api: Api, logged_in_user: Account, server) -> None:
    other_cid = auto_api.new_session()
    auto_api.call("POST", "session/login", other_cid,
                  data={"username": logged_in_user.username, "password": logged_in_user.password})
    auto_api.call("PUT", "user/updatechannelsubscriptions", logged_in_user.cid, params={"channel": 5, "viamail": 1})

    response = auto_api.call("DELETE", "user/unregister", logged_in_user.cid)
    assert response.json()["result"] == {"ID": logged_in_user.user_id, "status": "removed"}

    step = "every session of the user is anonymous"
    for cid in (logged_in_user.cid, other_cid):
        state = auto_api.call("POST", "session/keepalive", cid).json()["result"]
        assert state["loginstate"] == "anonymous" and state["user"] is None, step

    step = "the old credentials no longer log in; the name and email are free"
    login = auto_api.call("POST", "session/login", other_cid,
                          data={"username": logged_in_user.username, "password": logged_in_user.password})
    assert login.status_code == HTTPStatus.FORBIDDEN, step
    free = auto_api.call("POST", f"user/verifyaccountdetailsunique/{logged_in_user.email}", other_cid)
    assert free.json()["result"]["unique"] == 1, step

    step = "no row of the user is left in any table"
    with server.app.state.services.db.read() as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
            if "user_id" in columns:
                left = db.execute(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (logged_in_user.user_id,))
                assert left.fetchone()[0] == 0, f"{step}: {table}"
        assert db.execute("SELECT COUNT(*) FROM users WHERE id = ?", (logged_in_user.user_id,)).fetchone()[0] == 0
