"""What unregistering leaves in the server's storage: nothing of the user.

The account flow itself (profile, updates, subscriptions, push, takeout, unsubscribe,
unregister) is a scenario: tests/scenarios/test_profile_update.py and
tests/scenarios/test_account_lifecycle.py.
"""

from __future__ import annotations

from http import HTTPStatus

from .conftest import Account, Api


def test_unregister_leaves_no_row_of_the_user(auto_api: Api, logged_in_user: Account, server) -> None:
    auto_api.call("PUT", "user/updatechannelsubscriptions", logged_in_user.cid, params={"channel": 5, "viamail": 1})
    auto_api.call("POST", "user/requesttakeout", logged_in_user.cid)
    auto_api.call("POST", "interactions/addlike", logged_in_user.cid, data={"item": 1, "streamtype": "video"})

    response = auto_api.call("DELETE", "user/unregister", logged_in_user.cid)
    assert response.status_code == HTTPStatus.OK

    with server.app.state.services.db.read() as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
            if "user_id" in columns:
                left = db.execute(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (logged_in_user.user_id,))
                assert left.fetchone()[0] == 0, f"a row of the removed user is left in {table}"
        assert db.execute("SELECT COUNT(*) FROM users WHERE id = ?", (logged_in_user.user_id,)).fetchone()[0] == 0
