import httpx
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
def test_envelope_parts_are_parsed():
    respx.get(f"{BASE}/4711/user/likes").mock(
        return_value=envelope(200, [], paging={"start": 0, "limit": 10, "resultcount": 0}))
    answer = NexxClient(BASE, 4711, "s").session("c").get("user/likes", limit=10)
    assert answer.status == 200 and answer.result == [] and answer.paging["limit"] == 10
    assert answer.errorhint is None


@respx.mock
def test_error_hint_and_non_json_body():
    respx.post(f"{BASE}/4711/session/login").mock(return_value=envelope(401, errorhint="bad"))
    assert NexxClient(BASE, 4711, "s").session("c").post("session/login").errorhint == "bad"
    respx.post(f"{BASE}/4711/session/logout").mock(return_value=httpx.Response(502, text="<html>"))
    broken = NexxClient(BASE, 4711, "s").session("c").logout()
    assert broken.status == 502 and broken.metadata == {} and broken.result is None


@respx.mock
def test_curl_masks_signature_session_and_passwords():
    respx.post(f"{BASE}/4711/session/login").mock(return_value=envelope(200, {}))
    answer = NexxClient(BASE, 4711, "s3cret").session("cid-secret").login("ann", "Pa55word")
    line = answer.curl()
    assert "Pa55word" not in line and "cid-secret" not in line
    assert request_token("login", 4711, "s3cret") not in line
    assert "username=ann" in line and "x-request-token: ***" in line.lower()


@respx.mock
def test_describe_names_status_hint_and_reproduction():
    respx.get(f"{BASE}/4711/user/profile").mock(return_value=envelope(403, errorhint="log in first"))
    text = NexxClient(BASE, 4711, "s").session("cid-9").get("user/profile").describe()
    assert text.startswith("HTTP 403 (log in first)") and "curl -X GET" in text and "cid-9" not in text
