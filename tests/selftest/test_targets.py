import httpx
import pytest
import respx

from nexx_conformance.client import NexxClient
from nexx_conformance.targets import TargetError, preflight

BASE = "https://staging.test/v3.1"


def init_ok():
    return httpx.Response(201, json={"metadata": {"status": 201}, "result": {"general": {"cid": "c"}}})


@respx.mock
def test_preflight_passes_when_signed_call_is_accepted():
    respx.post(f"{BASE}/4711/session/init").mock(return_value=init_ok())
    keepalive = respx.post(f"{BASE}/4711/session/keepalive").mock(
        return_value=httpx.Response(200, json={"metadata": {"status": 200}, "result": {}}))
    preflight(NexxClient(BASE, 4711, "s"))
    assert keepalive.called


@respx.mock
def test_wrong_secret_is_named_as_such():
    respx.post(f"{BASE}/4711/session/init").mock(return_value=init_ok())
    respx.post(f"{BASE}/4711/session/keepalive").mock(
        return_value=httpx.Response(401, json={"metadata": {"status": 401, "errorhint": "bad token"}}))
    with pytest.raises(TargetError, match="rejects our signature.*--domain-secret"):
        preflight(NexxClient(BASE, 4711, "wrong"))


@respx.mock
def test_unreachable_target_is_named_as_such():
    respx.post(f"{BASE}/4711/session/init").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(TargetError, match="not reachable: ConnectError"):
        preflight(NexxClient(BASE, 4711, "s"))


@respx.mock
def test_wrong_base_url_is_named_as_such():
    respx.post(f"{BASE}/4711/session/init").mock(return_value=httpx.Response(404, text="nope"))
    with pytest.raises(TargetError, match="did not open a session - is the base URL right"):
        preflight(NexxClient(BASE, 4711, "s"))
