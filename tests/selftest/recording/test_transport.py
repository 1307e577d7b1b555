import json

import pytest
import requests
import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

from nexx_conformance.recording.transport import CassetteAdapter, answering_from

BASE = "http://replay.invalid/v3.1/4711"
PORTED = "http://replay.invalid:8080/v3.1/4711"


def interaction(
    method: str, uri: str, body: str | None, status: int, answer: dict, headers: dict | None = None
) -> dict:
    return {
        "request": {"method": method, "uri": uri, "body": body, "headers": {}},
        "response": {
            "status": {"code": status, "message": "Whatever"},
            "headers": {"content-type": ["application/json"], **(headers or {})},
            "body": {"string": json.dumps(answer)},
        },
    }


RECORDED = [
    interaction("POST", f"{BASE}/session/init", None, 201, {"cid": "1"}),
    interaction(
        "POST",
        f"{BASE}/user/register",
        "username=qa_replay_1&cfo=0",
        201,
        {"id": 7},
        {"set-cookie": ["seen=1; Path=/"], "transfer-encoding": ["chunked"]},
    ),
    interaction(
        "GET", f"{BASE}/media/byquery/a%20b%C3%A4?limit=2&order=asc", None, 200, {"items": []}
    ),
    interaction("GET", f"{PORTED}/user/profile", None, 401, {"errorhint": "no session"}),
    interaction("POST", f"{BASE}/session/init", None, 201, {"cid": "2"}),
]


def send_each(session: requests.Session) -> list[requests.Response]:
    return [
        session.post(f"{BASE}/session/init"),
        session.post(f"{BASE}/user/register", data={"username": "qa_replay_1", "cfo": "0"}),
        session.get(f"{BASE}/media/byquery/a bä", params={"limit": 2, "order": "asc"}),
        session.get(f"{PORTED}/user/profile"),
        session.post(f"{BASE}/session/init"),
    ]


@pytest.fixture
def cassette_path(tmp_path):
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps({"version": 1, "interactions": RECORDED}))
    return str(path)


def replaying(path: str):
    return vcr.VCR(
        serializer="json", record_mode="none", match_on=["method", "uri", "body"]
    ).use_cassette(path)


def seen_requests(cassette) -> list:
    """Every request the cassette is asked about, as (method, uri, body, headers)."""
    asked = []
    decide = cassette.can_play_response_for

    def can_play_response_for(request):
        asked.append((request.method, request.uri, request.body, dict(request.headers)))
        return decide(request)

    cassette.can_play_response_for = can_play_response_for
    return asked


def shown(response: requests.Response) -> tuple:
    return (
        response.status_code,
        response.reason,
        dict(response.headers),
        response.content,
        response.url,
        response.cookies.get_dict(),
        response.json(),
    )


def test_answers_and_requests_are_those_of_vcrpys_stubs(cassette_path):
    with replaying(cassette_path) as cassette:
        through_stubs_asked = seen_requests(cassette)
        through_stubs = [shown(response) for response in send_each(requests.Session())]
        assert cassette.all_played
    with replaying(cassette_path) as cassette, answering_from(cassette):
        direct_asked = seen_requests(cassette)
        direct = [shown(response) for response in send_each(requests.Session())]
        assert cassette.all_played
    assert direct == through_stubs
    assert direct_asked == through_stubs_asked
    # The recorded answers, played in recorded order (the second init gets the second cid).
    assert [answer[0] for answer in direct] == [201, 201, 200, 401, 201]
    assert direct[4][-1] == {"cid": "2"}


def test_unrecorded_request_is_refused_as_vcrpy_refuses_it(cassette_path):
    with (
        replaying(cassette_path) as cassette,
        answering_from(cassette),
        pytest.raises(CannotOverwriteExistingCassetteException) as refused,
    ):
        requests.post(f"{BASE}/user/unknown", data={"a": "1"})
    assert refused.value.failed_request.uri == f"{BASE}/user/unknown"
    assert refused.value.cassette is cassette


def test_sessions_get_their_own_adapters_back_afterwards(cassette_path):
    with replaying(cassette_path) as cassette:
        with answering_from(cassette) as adapter:
            assert requests.Session().get_adapter(BASE) is adapter
        assert isinstance(adapter, CassetteAdapter)
        assert not isinstance(requests.Session().get_adapter(BASE), CassetteAdapter)
