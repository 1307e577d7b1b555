import itertools

from vcr import matchers as vcr_matchers
from vcr import patch as vcr_patch
from vcr.cassette import Cassette
from vcr.request import Request

from nexx_conformance import vcr_speed
from nexx_conformance.matchers import MATCH_ON, MATCHERS

BASE = "http://replay.invalid/v3.1/4711"


def resolved(names):
    known = {"method": vcr_matchers.method, "uri": vcr_matchers.uri, **MATCHERS}
    return [known[name] for name in names]


def cassette_with(requests, match_on=MATCH_ON) -> Cassette:
    cassette = Cassette("unused.yaml", match_on=resolved(match_on))
    for number, request in enumerate(requests):
        cassette.data.append((request, {"status": {"code": 200}, "number": number}))
    return cassette


def post(path: str, body: str = "") -> Request:
    return Request("POST", f"{BASE}/{path}", body.encode(), {})


RECORDED = [
    post("session/init"), post("user/register", "username=qa_replay_1&cfo=0"),
    post("session/init"), post("user/register", "username=qa_replay_2&cfo=0"),
    Request("GET", f"{BASE}/user/profile", None, {}), post("user/profile"),
    post("user/register", "username=qa_replay_1&cfo=0"),
]
ASKED = [
    post("session/init"), post("user/register", "username=qa_abc123_1&cfo=0"),
    post("user/register", "username=qa_replay_1&cfo=1"), Request("GET", f"{BASE}/user/profile", None, {}),
    post("user/profile"), post("user/unknown"), Request("PUT", f"{BASE}/session/init", None, {}),
]


def test_indexed_lookup_finds_what_vcrpy_finds_in_the_same_order():
    cassette = cassette_with(RECORDED)
    for request in ASKED:
        expected = [index for index, _ in vcr_speed._original_responses(cassette, request)]
        assert [index for index, _ in vcr_speed.indexed_responses(cassette, request)] == expected
    # The matches this compares at all: a changed body or method never matches.
    assert [i for i, _ in vcr_speed.indexed_responses(cassette, ASKED[1])] == [1, 6]
    assert list(vcr_speed.indexed_responses(cassette, ASKED[2])) == []


def test_index_follows_interactions_appended_while_recording():
    cassette = cassette_with(RECORDED[:2])
    assert [i for i, _ in vcr_speed.indexed_responses(cassette, ASKED[4])] == []
    cassette.data.append((post("user/profile"), {"status": {"code": 200}}))
    assert [i for i, _ in vcr_speed.indexed_responses(cassette, ASKED[4])] == [2]


def test_other_matchers_use_vcrpys_own_scan():
    cassette = cassette_with(RECORDED, match_on=("method", "uri"))
    request = post("user/register", "anything")
    assert [i for i, _ in vcr_speed.indexed_responses(cassette, request)] == [1, 3, 6]


def test_cached_reset_patchers_patch_the_same_things():
    def triples(patchers):
        return sorted((id(p.getter()), p.attribute, id(p.new)) for p in patchers)

    assert triples(vcr_speed.cached_reset_patchers()) == triples(vcr_speed._original_reset_patchers())
    # Fresh patcher objects each time: force_reset enters and exits them.
    first, second = (list(itertools.islice(vcr_speed.cached_reset_patchers(), 1)) for _ in range(2))
    assert first[0] is not second[0]


def test_install_replaces_the_two_vcrpy_functions(monkeypatch):
    monkeypatch.setattr(Cassette, "_responses", vcr_speed._original_responses)
    monkeypatch.setattr(vcr_patch, "reset_patchers", vcr_speed._original_reset_patchers)
    vcr_speed.install()
    assert Cassette._responses is vcr_speed.indexed_responses
    assert vcr_patch.reset_patchers is vcr_speed.cached_reset_patchers
