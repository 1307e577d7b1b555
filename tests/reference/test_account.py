"""What unregistering leaves in the server's storage: nothing of the user.

The account flow itself (profile, updates, subscriptions, push, takeout, unsubscribe,
unregister) is a scenario: tests/scenarios/test_profile_update.py and
tests/scenarios/test_account_lifecycle.py.
"""

from __future__ import annotations

from nexx_conformance.status import OK
from nexx_reference.storage import Database

from .conftest import Account


def test_unregister_leaves_no_row_of_the_user(logged_in_user: Account, storage: Database) -> None:
    session = logged_in_user.session
    session.put("user/updatechannelsubscriptions?channel=5&viamail=1")
    session.post("user/requesttakeout")
    session.post("interactions/addlike", item=1, streamtype="video")

    assert session.delete("user/unregister").status == OK

    with storage.read() as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
            if "user_id" in columns:
                left = db.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (logged_in_user.user_id,)
                )
                assert left.fetchone()[0] == 0, f"a row of the removed user is left in {table}"
        assert (
            db.execute(
                "SELECT COUNT(*) FROM users WHERE id = ?", (logged_in_user.user_id,)
            ).fetchone()[0]
            == 0
        )
