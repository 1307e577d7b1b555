"""Helpers of the media tests that stay with the server (storage, UGC, uploads): interactions,
lists and accounts of the AutoAuthorize domain. The media flows are scenarios now
(tests/scenarios/test_media_lists.py, written with nexx_conformance.steps)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from .conftest import ETERNAL_CID, Account, Api, unique_name

# Seeded catalogue items (nexx_reference.domain.catalogue.SEED_ITEMS), ids per streamtype.
SUNSET_VIDEO = (1, "video")  # runtime 183
BRIEFING_AUDIO = (1, "audio")  # runtime 1260
BOATS_IMAGE = (1, "image")


def register(api: Api) -> Account:
    """A fresh account of the api's (AutoAuthorize) domain, logged in."""
    name = unique_name()
    data = {"username": name, "email": f"{name}@example.org", "password": "correct-horse-7"}
    cid = api.new_session()
    response = api.call("POST", "user/register", cid, data=data)
    assert response.status_code == HTTPStatus.CREATED, response.text
    return Account(name, data["email"], data["password"], response.json()["result"]["user"]["ID"], cid)


def interact(api: Api, account: Account, operation: str, item: tuple[int, str],
             expect: int = HTTPStatus.OK, **fields: Any) -> dict[str, Any] | None:
    """POST /interactions/{operation} for the item; the result (None for an expected refusal)."""
    response = api.call("POST", f"interactions/{operation}", account.cid,
                        data={"item": item[0], "streamtype": item[1], **fields})
    assert response.status_code == expect, response.text
    return response.json()["result"]


def media_list(api: Api, cid: str, name: str, expect: int = HTTPStatus.OK, **params: Any) -> dict[str, Any]:
    """GET /user/{name}; the whole envelope (result and paging)."""
    response = api.call("GET", f"user/{name}", cid, params=params)
    assert response.status_code == expect, response.text
    return response.json()


def listed(api: Api, account: Account, name: str, **params: Any) -> list[tuple[int, str]]:
    """(ID, streamtype) of every item of the list's first page, in the order given."""
    return [item_key(entry) for entry in media_list(api, account.cid, name, **params)["result"]]


def item_key(entry: dict[str, Any]) -> tuple[int, str]:
    general = entry.get("general", entry)
    return general["ID"], general["streamtype"]


def eternal_list(api: Api, name: str, **params: Any) -> Any:
    return api.call("GET", f"user/{name}", ETERNAL_CID, params=params)
