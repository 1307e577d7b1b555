"""User generated content on a domain that restricts UGC (a server setting): autoPublish is
ignored. The flow itself (created, published per autoPublish, listed, found by others,
a title required) is the scenario tests/scenarios/test_user_content.py."""

from __future__ import annotations

from nexx_conformance.client import NexxClient
from nexx_conformance.status import CREATED

from .conftest import RESTRICTED_DOMAIN, register
from .media_steps import media_list


def test_a_restricted_domain_ignores_autopublish(api: NexxClient) -> None:
    author = register(api.for_domain(RESTRICTED_DOMAIN))
    answer = author.session.post("user/addarticle", title="Needs review", autoPublish=1)
    assert answer.status == CREATED and answer.fields["isPublished"] == 0
    [entry] = media_list(author.session, "uploads").result
    assert entry["general"]["isPublished"] == 0
