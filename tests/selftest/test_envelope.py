import httpx
import pytest

from nexx_conformance.envelope import (
    Paging,
    envelope_of,
    fields_of,
    json_body,
    metadata_of,
    result_object_of,
)
from nexx_conformance.signing import request_token

from .conftest import DOMAIN, SECRET, nexx_answer


def test_envelope_parts_are_parsed(fake_nexx, client):
    fake_nexx.get("/4711/user/likes").mock(
        return_value=nexx_answer(200, [], paging={"start": 0, "limit": 10, "resultcount": 0})
    )
    answer = client.session("c").get("user/likes", limit=10)
    assert answer.status == 200 and answer.result == [] and answer.paging["limit"] == 10
    assert answer.errorhint is None


def test_error_hint_and_non_json_body(fake_nexx, client):
    fake_nexx.post("/4711/session/login").mock(return_value=nexx_answer(401, errorhint="bad"))
    assert client.session("c").post("session/login").errorhint == "bad"
    fake_nexx.post("/4711/session/logout").mock(return_value=httpx.Response(502, text="<html>"))
    broken = client.session("c").logout()
    assert broken.status == 502 and broken.metadata == {} and broken.result is None


def test_curl_masks_signature_session_and_passwords(fake_nexx, client):
    fake_nexx.post("/4711/session/login").mock(return_value=nexx_answer(200, {}))
    answer = client.session("cid-secret").login("ann", "Pa55word")
    line = answer.curl()
    assert "Pa55word" not in line and "cid-secret" not in line
    assert request_token("login", DOMAIN, SECRET) not in line
    assert "username=ann" in line and "x-request-token: ***" in line.lower()


def test_describe_names_status_hint_and_reproduction(fake_nexx, client):
    fake_nexx.get("/4711/user/profile").mock(
        return_value=nexx_answer(403, errorhint="log in first")
    )
    text = client.session("cid-9").get("user/profile").describe()
    assert text.startswith("HTTP 403 (log in first)") and "curl -X GET" in text
    assert "cid-9" not in text


@pytest.mark.parametrize(
    "content, envelope",
    [
        pytest.param(
            b'{"metadata": {"status": 200}, "result": null}',
            {"metadata": {"status": 200}, "result": None},
            id="object-read",
        ),
        pytest.param(b"[1, 2]", {}, id="list-is-no-envelope"),
        pytest.param(b"<html>", {}, id="html-is-no-envelope"),
        pytest.param(b"\xff\xfe\x00", {}, id="undecodable-is-no-envelope"),
        pytest.param(b"", {}, id="empty-is-no-envelope"),
    ],
)
def test_any_response_gives_an_envelope(content, envelope):
    assert envelope_of(httpx.Response(200, content=content)) == envelope


def test_metadata_and_result_object_are_dicts_or_empty():
    assert metadata_of({"metadata": "broken"}) == {} and metadata_of(
        {"metadata": {"status": 1}}
    ) == {"status": 1}
    assert result_object_of({"result": [1]}) == {} and result_object_of({"result": {"ID": 7}}) == {
        "ID": 7
    }


@pytest.mark.parametrize(
    "result, fields",
    [
        pytest.param({"itemupdate": {"ID": 7}}, {"ID": 7}, id="itemupdate-field-is-read"),
        pytest.param({"ID": 7}, {"ID": 7}, id="top-level-field-is-read"),
        pytest.param(
            {"ID": 8, "itemupdate": {"ID": 7, "GID": 9}}, {"ID": 8, "GID": 9}, id="top-level-wins"
        ),
        pytest.param({"itemupdate": None}, {}, id="itemupdate-without-object-adds-nothing"),
        pytest.param([{"ID": 7}], {}, id="list-has-no-fields"),
        pytest.param(None, {}, id="no-result-has-no-fields"),
    ],
)
def test_result_fields_are_read_as_the_official_clients_read_them(result, fields):
    found = fields_of(result)
    assert {name: value for name, value in found.items() if name != "itemupdate"} == fields


def test_json_body_is_any_json_value_or_none():
    assert json_body("[1]") == [1] and json_body("no json") is None and json_body(None) is None


@pytest.mark.parametrize(
    "paging, read",
    [
        pytest.param({"start": 2, "limit": 5, "resultcount": 9}, Paging(2, 5, 9), id="read"),
        pytest.param(None, None, id="absent-is-none"),
        pytest.param({"start": 0, "limit": 5}, None, id="without-resultcount-is-none"),
        pytest.param({"start": "0", "limit": 5, "resultcount": 1}, None, id="string-is-none"),
        pytest.param([0, 5, 1], None, id="list-is-none"),
    ],
)
def test_paging_is_three_integers_or_none(paging, read):
    assert Paging.of(paging) == read
