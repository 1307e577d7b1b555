import httpx
import pytest

from nexx_conformance.client import NexxClient
from nexx_conformance.signing import request_token

from .conftest import DOMAIN, FAKE_BASE, SECRET, nexx_answer


def test_init_is_unsigned_and_gives_the_cid(fake_nexx, client):
    route = fake_nexx.post("/4711/session/init").mock(
        return_value=nexx_answer(201, {"general": {"cid": "c1"}})
    )
    session = client.init(nxp_devh="dev")
    assert session.cid == "c1"
    assert "X-Request-Token" not in route.calls.last.request.headers


def test_post_is_signed_form_encoded_with_flags_as_digits(fake_nexx, client):
    route = fake_nexx.post("/4711/user/authorize/tok").mock(return_value=nexx_answer(200, {}))
    client.session("c1").post("user/authorize/tok", newsletter=True)
    request = route.calls.last.request
    assert request.headers["X-Request-Token"] == request_token("authorize", DOMAIN, SECRET)
    assert request.headers["X-Request-CID"] == "c1"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == b"newsletter=1"


@pytest.mark.parametrize(
    ("method", "query", "form", "url_query", "body"),
    [
        pytest.param(
            "POST", {"limit": 5}, None, "limit=5", b"", id="post-with-query-sends-no-body"
        ),
        pytest.param("GET", None, {"limit": 5}, "", b"limit=5", id="get-with-form-sends-a-body"),
        pytest.param("PUT", {"a": 1}, {"a": 2}, "a=1", b"a=2", id="both-places-kept-apart"),
    ],
)
def test_query_and_form_go_where_the_test_says_whatever_the_verb(
    fake_nexx, client, method, query, form, url_query, body
):
    route = fake_nexx.route(method=method, path="/4711/user/x").mock(
        return_value=nexx_answer(200, {})
    )
    client.call(method, "user/x", cid="c1", query=query, form=form)
    request = route.calls.last.request
    assert (request.url.query.decode(), request.content) == (url_query, body)


def test_a_query_written_into_the_path_is_kept(fake_nexx, client):
    route = fake_nexx.put("/4711/user/x").mock(return_value=nexx_answer(200, {}))
    client.session("c1").put("user/x?channel=5")
    assert route.calls.last.request.url.query == b"channel=5"


@pytest.mark.parametrize(
    "retry, calls",
    [pytest.param(True, 3, id="live-retries"), pytest.param(False, 1, id="reference-does-not")],
)
def test_retries_on_503_only_for_live_targets(fake_nexx, retry, calls):
    route = fake_nexx.post("/4711/session/keepalive").mock(
        side_effect=[nexx_answer(503), nexx_answer(503), nexx_answer(200)]
    )
    client = NexxClient(FAKE_BASE, DOMAIN, SECRET, retry=retry, sleep=lambda s: None)
    answer = client.session("c").keepalive()
    assert route.call_count == calls
    assert answer.status == (200 if retry else 503)


def test_retry_gives_up_and_returns_the_last_answer(fake_nexx):
    route = fake_nexx.post("/4711/session/keepalive").mock(return_value=nexx_answer(429))
    slept = []
    client = NexxClient(FAKE_BASE, DOMAIN, SECRET, retry=True, sleep=slept.append)
    answer = client.session("c").keepalive()
    assert answer.status == 429 and route.call_count == 4 and slept == [0.5, 1.0, 2.0]


def test_secret_not_in_repr(client):
    assert SECRET not in repr(client)


def test_other_domain_is_signed_for_that_domain_from_the_same_device(fake_nexx, client):
    route = fake_nexx.post("/4712/session/init").mock(
        return_value=nexx_answer(201, {"general": {"cid": "c"}})
    )
    keepalive = fake_nexx.post("/4712/session/keepalive").mock(return_value=nexx_answer(200, {}))
    other = client.for_domain(4712)
    other.init().keepalive()
    assert client.for_domain(4711) is client and client.for_domain(4712) is other
    assert route.calls.last.request.content == f"nxp_devh={client.device}".encode()
    signature = keepalive.calls.last.request.headers["X-Request-Token"]
    assert signature == request_token("keepalive", 4712, SECRET)


def test_an_upload_urls_signature_is_masked_in_what_the_answer_shows(fake_nexx, client):
    fake_nexx.put("/upload/photo.jpg").mock(return_value=httpx.Response(201))
    answer = client.transfer("PUT", f"{FAKE_BASE}/upload/photo.jpg?user=7&sig=9a0b1c2d3e", b"bytes")
    assert answer.status == 201
    assert str(answer.request.url).endswith("/upload/photo.jpg?user=7&sig=***")
    assert "9a0b1c2d3e" not in answer.curl()
