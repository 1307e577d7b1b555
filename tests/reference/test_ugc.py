"""User generated content on a domain that restricts UGC (a server setting): autoPublish is
ignored. The flow itself (created, published per autoPublish, listed, found by others,
a title required) is the scenario tests/scenarios/test_user_content.py."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus

import pytest

from nexx_reference.contract import Operation
from nexx_reference.server import start_in_thread
from nexx_reference.settings import DomainSettings

from .conftest import Api, make_settings
from .media_steps import media_list, register

RESTRICTED_DOMAIN = 4713


@pytest.fixture(scope="module")
def restricted_api(operations: list[Operation]) -> Iterator[Api]:
    """A signing client of a server whose only domain restricts UGC (ugcrestricted=1)."""
    settings = make_settings(domains=(DomainSettings(RESTRICTED_DOMAIN, autoauthorize=True, ugcrestricted=True),))
    with start_in_thread(settings) as running:
        yield Api(running.base_url, operations, RESTRICTED_DOMAIN)


def test_a_restricted_domain_ignores_autopublish(restricted_api: Api) -> None:
    author = register(restricted_api)
    response = restricted_api.call("POST", "user/addarticle", author.cid,
                                   data={"title": "Needs review", "autoPublish": 1})
    assert response.status_code == HTTPStatus.CREATED and response.json()["result"]["isPublished"] == 0
    [entry] = media_list(restricted_api, author.cid, "uploads")["result"]
    assert entry["general"]["isPublished"] == 0
