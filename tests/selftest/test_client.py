import httpx
import pytest
import respx

from nexx_conformance.client import NexxClient
from nexx_conformance.signing import request_token

BASE = "https://api.test/v3.1"


def envelope(status, result=None, errorhint=None, paging=None):
    metadata = {"status": status, "apiversion": "3.1"}
    if errorhint:
        metadata["errorhint"] = errorhint
    body = {"metadata": metadata, "result": result}
    if paging:
        body["paging"] = paging
    return httpx.Response(status, json=body)


@respx.mock
def test_init_is_unsigned_and_gives_the_cid():
    route = respx.post(f"{BASE}/4711/session/init").mock(
        return_value=envelope(201, {"general": {"cid": "c1"}}))
    session = NexxClient(BASE, 4711, "s3cret").init(nxp_devh="dev")
    assert session.cid == "c1"
    assert "X-Request-Token" not in route.calls.last.request.headers


@respx.mock
def test_post_is_signed_form_encoded_with_flags_as_digits():
    route = respx.post(f"{BASE}/4711/user/authorize/tok").mock(return_value=envelope(200, {}))
    NexxClient(BASE, 4711, "s3cret").session("c1").post("user/authorize/tok", newsletter=True)
    request = route.calls.last.request
    assert request.headers["X-Request-Token"] == request_token("authorize", 4711, "s3cret")
    assert request.headers["X-Request-CID"] == "c1"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == b"newsletter=1"


@respx.mock
@pytest.mark.parametrize("retry, calls", [pytest.param(True, 3, id="live-retries"),
                                          pytest.param(False, 1, id="reference-does-not")])
def test_retries_on_503_only_for_live_targets(retry, calls):
    route = respx.post(f"{BASE}/4711/session/keepalive").mock(
        side_effect=[envelope(503), envelope(503), envelope(200)])
    answer = NexxClient(BASE, 4711, "s", retry=retry, sleep=lambda s: None).session("c").keepalive()
    assert route.call_count == calls
    assert answer.status == (200 if retry else 503)


@respx.mock
def test_retry_gives_up_and_returns_the_last_answer():
    route = respx.post(f"{BASE}/4711/session/keepalive").mock(return_value=envelope(429))
    slept = []
    answer = NexxClient(BASE, 4711, "s", retry=True, sleep=slept.append).session("c").keepalive()
    assert answer.status == 429 and route.call_count == 4 and slept == [0.5, 1.0, 2.0]


def test_secret_not_in_repr():
    assert "s3cret" not in repr(NexxClient(BASE, 4711, "s3cret"))


@respx.mock
def test_other_domain_is_signed_for_that_domain_from_the_same_device():
    route = respx.post(f"{BASE}/4712/session/init").mock(return_value=envelope(201, {"general": {"cid": "c"}}))
    keepalive = respx.post(f"{BASE}/4712/session/keepalive").mock(return_value=envelope(200, {}))
    main = NexxClient(BASE, 4711, "s3cret")
    other = main.for_domain(4712)
    other.init().keepalive()
    assert main.for_domain(4711) is main and main.for_domain(4712) is other
    assert route.calls.last.request.content == f"nxp_devh={main.device}".encode()
    assert keepalive.calls.last.request.headers["X-Request-Token"] == request_token("keepalive", 4712, "s3cret")
