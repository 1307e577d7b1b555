"""Single-use expiring records answer 404 unknown, 409 used, 404 expired (domain/single_use).

No HTTP test can wait out a mail token's lifetime, so the expiry path is tested here on a
tiny SQLite table shaped like the real ones (an `expires` column in epoch seconds and a
column that is NULL until the record is used).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from http import HTTPStatus

import pytest

from nexx_reference.domain.single_use import Refusals, has_expired, still_open
from nexx_reference.envelope import ApiError

HINTS = Refusals(unknown="unknown token", used="token already used", expired="token expired")
AN_HOUR = 3600.0


@pytest.fixture
def tokens() -> Iterator[sqlite3.Connection]:
    """An in-memory table of single-use tokens, rows readable by column name."""
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    db.execute("CREATE TABLE tokens (token TEXT PRIMARY KEY, expires REAL NOT NULL, used REAL)")
    now = time.time()
    db.executemany(
        "INSERT INTO tokens VALUES (?, ?, ?)",
        [
            ("open", now + AN_HOUR, None),
            ("expired", now - AN_HOUR, None),
            ("used", now + AN_HOUR, now - 60),
            ("used-then-expired", now - AN_HOUR, now - 2 * AN_HOUR),
        ],
    )
    yield db
    db.close()


def check(db: sqlite3.Connection, token: str) -> sqlite3.Row:
    row = db.execute("SELECT token, expires, used FROM tokens WHERE token = ?", (token,)).fetchone()
    return still_open(row, used_column="used", refusals=HINTS)


def test_open_record_is_returned(tokens: sqlite3.Connection) -> None:
    row = check(tokens, "open")
    assert row["token"] == "open"


@pytest.mark.parametrize(
    "token, status, hint",
    [
        pytest.param("expired", HTTPStatus.NOT_FOUND, HINTS.expired, id="expired-404"),
        pytest.param("used", HTTPStatus.CONFLICT, HINTS.used, id="used-409"),
        # Used wins over expired: the client learns it was used, not that it came late.
        pytest.param(
            "used-then-expired", HTTPStatus.CONFLICT, HINTS.used, id="used-then-expired-409"
        ),
        pytest.param("never-issued", HTTPStatus.NOT_FOUND, HINTS.unknown, id="unknown-404"),
    ],
)
def test_closed_record_is_refused_with_the_hint_for_its_state(
    tokens: sqlite3.Connection, token: str, status: HTTPStatus, hint: str
) -> None:
    with pytest.raises(ApiError) as refused:
        check(tokens, token)
    assert refused.value.status == status
    assert refused.value.hint == hint


@pytest.mark.parametrize(
    "offset, expired",
    [
        pytest.param(-1.0, True, id="a-second-ago-has-expired"),
        pytest.param(AN_HOUR, False, id="in-an-hour-has-not"),
    ],
)
def test_has_expired_compares_with_now(offset: float, expired: bool) -> None:
    assert has_expired(time.time() + offset) is expired


def test_a_process_is_named_in_each_of_its_hints() -> None:
    assert Refusals.of_process("AVS transaction 7") == Refusals(
        unknown="unknown AVS transaction 7",
        used="AVS transaction 7 is finished already",
        expired="AVS transaction 7 expired; start a new one",
    )
