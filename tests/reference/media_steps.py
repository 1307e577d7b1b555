"""Helpers of the media tests that stay with the server (storage, UGC, uploads): interactions
and lists, on the suite's client. The media flows are scenarios
(tests/scenarios/test_media_lists.py, written with nexx_conformance.steps)."""

from __future__ import annotations

from typing import Any

from nexx_conformance.client import NexxClient, Session
from nexx_conformance.contract import contract
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import OK

from .conftest import ETERNAL_CID, Account

# Seeded catalogue items (nexx_reference.domain.catalogue.SEED_ITEMS), ids per streamtype.
SUNSET_VIDEO = (1, "video")  # runtime 183
BRIEFING_AUDIO = (1, "audio")  # runtime 1260
BOATS_IMAGE = (1, "image")


def interact(
    account: Account, operation: str, item: tuple[int, str], expect: int = OK, **fields: Any
) -> dict[str, Any] | None:
    """/interactions/{operation} for the item, with the contract's verb; the result's fields
    (None for an expected refusal)."""
    answer = account.session.call(
        contract().method_of(operation),
        f"interactions/{operation}",
        item=item[0],
        streamtype=item[1],
        **fields,
    )
    assert answer.status == expect, answer.describe()
    return answer.fields if answer.ok else None


def media_list(session: Session, name: str, expect: int = OK, **params: Any) -> ApiResponse:
    """GET /user/{name}: the whole answer (result and paging)."""
    answer = session.get(f"user/{name}", **params)
    assert answer.status == expect, answer.describe()
    return answer


def listed(account: Account, name: str, **params: Any) -> list[tuple[int, str]]:
    """(ID, streamtype) of every item of the list's first page, in the order given."""
    return [item_key(entry) for entry in media_list(account.session, name, **params).result]


def item_key(entry: dict[str, Any]) -> tuple[int, str]:
    general = entry.get("general", entry)
    return general["ID"], general["streamtype"]


def eternal_list(client: NexxClient, name: str, **params: Any) -> ApiResponse:
    return client.session(ETERNAL_CID).get(f"user/{name}", **params)
