"""User generated articles, playlists and collections: 201, published per autoPublish
(unless the domain restricts UGC), visible to others only once published, listed in uploads."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus

import pytest

from nexx_reference.contract import Operation
from nexx_reference.server import start_in_thread
from nexx_reference.settings import DomainSettings

from .conftest import Account, Api, make_settings
from .media_steps import interact, listed, media_list, register

RESTRICTED_DOMAIN = 4713


@pytest.fixture(scope="module")
def restricted_api(operations: list[Operation]) -> Iterator[Api]:
    """A signing client of a server whose only domain restricts UGC (ugcrestricted=1)."""
    settings = make_settings(domains=(DomainSettings(RESTRICTED_DOMAIN, autoauthorize=True, ugcrestricted=True),))
    with start_in_thread(settings) as running:
        yield Api(running.base_url, operations, RESTRICTED_DOMAIN)


@pytest.mark.parametrize("streamtype", ["article", "playlist", "collection"])
def test_a_new_item_is_unpublished_unless_asked(auto_api: Api, logged_in_user: Account, streamtype: str) -> None:
    response = auto_api.call("POST", f"user/add{streamtype}", logged_in_user.cid,
                             data={"title": f"My {streamtype}", "teaser": "Short."})
    assert response.status_code == HTTPStatus.CREATED
    created = response.json()["result"]
    assert (created["streamtype"], created["isPublished"]) == (streamtype, 0)
    [entry] = media_list(auto_api, logged_in_user.cid, "uploads")["result"]
    assert entry["general"]["owner"] == logged_in_user.user_id
    assert (entry["general"]["ID"], entry["general"]["title"], entry["general"]["teaser"]) == \
        (created["ID"], f"My {streamtype}", "Short.")
    assert entry["interaction"]["added"] == entry["general"]["created"]


def test_autopublish_publishes_and_others_can_see_it(auto_api: Api, logged_in_user: Account) -> None:
    draft = auto_api.call("POST", "user/addplaylist", logged_in_user.cid, data={"title": "Draft"}).json()["result"]
    public = auto_api.call("POST", "user/addplaylist", logged_in_user.cid,
                           data={"title": "Quayside evenings", "autoPublish": 1}).json()["result"]
    assert public["isPublished"] == 1 and public["ID"] != draft["ID"]
    other = register(auto_api)
    assert interact(auto_api, other, "addlike", (public["ID"], "playlist"))["changed"] == 1
    interact(auto_api, other, "addlike", (draft["ID"], "playlist"), expect=HTTPStatus.NOT_FOUND)
    found = auto_api.call("GET", "media/byquery/quayside evenings", other.cid).json()["result"]
    assert [e["general"]["ID"] for e in found] == [public["ID"]]


def test_uploads_filters_by_streamtype(auto_api: Api, logged_in_user: Account) -> None:
    for operation, title in (("addarticle", "A"), ("addcollection", "C"), ("addarticle", "B")):
        auto_api.call("POST", f"user/{operation}", logged_in_user.cid, data={"title": title})
    articles = media_list(auto_api, logged_in_user.cid, "uploads", streamtype="article", orderBy="title",
                          orderDir="ASC")
    assert [e["general"]["title"] for e in articles["result"]] == ["A", "B"]
    assert articles["paging"]["resultcount"] == 2
    assert len(listed(auto_api, logged_in_user, "uploads")) == 3


def test_a_blank_title_is_400(auto_api: Api, logged_in_user: Account) -> None:
    for data in ({}, {"title": "   "}, {"title": "x", "autoPublish": 2}):
        response = auto_api.call("POST", "user/addarticle", logged_in_user.cid, data=data)
        assert response.status_code == HTTPStatus.BAD_REQUEST


def test_a_restricted_domain_ignores_autopublish(restricted_api: Api) -> None:
    author = register(restricted_api)
    response = restricted_api.call("POST", "user/addarticle", author.cid,
                                   data={"title": "Needs review", "autoPublish": 1})
    assert response.status_code == HTTPStatus.CREATED and response.json()["result"]["isPublished"] == 0
    [entry] = media_list(restricted_api, author.cid, "uploads")["result"]
    assert entry["general"]["isPublished"] == 0
