"""One set of masking rules for failure messages, curl lines and cassettes."""

from __future__ import annotations

import json

import httpx
import pytest
import requests

from nexx_conformance.masking import mask_body, mask_form, mask_text, mask_uri, masked_curl


def prepared(method, url, headers=None, data=None):
    return requests.Request(method, url, headers=headers, data=data).prepare()


@pytest.mark.parametrize(
    "encoded, shown",
    [
        pytest.param(
            "username=ann&password=Secret123", "username=ann&password=***", id="password-masked"
        ),
        pytest.param(
            "newpassword=N3w&currentpassword=Old1&code=123456",
            "newpassword=***&currentpassword=***&code=***",
            id="every-secret-field-masked",
        ),
        pytest.param(
            "password=***password-2***", "password=***password-2***", id="placeholder-kept"
        ),
        pytest.param("", "", id="empty-stays-empty"),
    ],
)
def test_form_fields(encoded, shown):
    assert mask_form(encoded) == shown


def test_tokens_in_paths_otpauth_secrets_and_url_signatures_are_masked():
    text = (
        "/4711/user/authorize/Zx81kq0LmN2b3v4c5x6z7 otpauth://totp/nexx:ann?secret=JBSWY3DPEHPK3PXP&issuer=nexx "
        "/upload/f.jpg?user=1&sig=9a0b1c2d"
    )
    masked = mask_text(text, secrets=["nexx:ann"])
    assert (
        "Zx81kq0LmN2b3v4c5x6z7" not in masked
        and "JBSWY3DPEHPK3PXP" not in masked
        and "9a0b1c2d" not in masked
    )
    assert "nexx:ann" not in masked and "issuer=nexx" in masked and "user=1" in masked


def test_uri_masks_path_token_and_query_secrets():
    assert mask_uri("http://h/v3.1/4711/user/resetpassword/tok123?password=x&start=1") == (
        "http://h/v3.1/4711/user/resetpassword/***?password=***&start=1"
    )


def test_json_body_masks_secret_keys_and_keeps_their_shape():
    body = json.loads(
        mask_body(
            json.dumps(
                {"result": {"general": {"cid": "I4nt6Ud8"}, "code": "123456", "name": "ann"}}
            )
        )
    )
    assert body == {
        "result": {"general": {"cid": "scrubbed-session-id"}, "code": "***", "name": "ann"}
    }


def test_curl_masks_session_signature_and_password_fields():
    request = prepared(
        "POST",
        "http://127.0.0.1:8080/v3.1/4711/session/login",
        headers={"X-Request-CID": "cid-123456", "X-Request-Token": "f" * 32},
        data={"username": "alice", "password": "Secret-pass-1"},
    )
    line = masked_curl(request)
    assert "X-Request-CID: ***" in line and "X-Request-Token: ***" in line
    assert "username=alice" in line and "password=***" in line
    assert "cid-123456" not in line and "f" * 32 not in line and "Secret-pass-1" not in line


def test_curl_masks_secrets_in_the_query_string():
    line = masked_curl(
        prepared(
            "GET",
            "http://127.0.0.1:8080/v3.1/4711/user/requestpass",
            headers={"X-Request-CID": "c"},
        )
    )
    assert line.endswith("/4711/user/requestpass")
    line = masked_curl(prepared("GET", "http://h/v3.1/4711/user/x?token=abc&start=1"))
    assert "token=***" in line and "start=1" in line and "abc" not in line


def test_curl_of_an_httpx_request_reads_the_same():
    request = httpx.Request(
        "POST",
        "http://h/v3.1/4711/session/login",
        headers={"X-Request-CID": "cid-123456"},
        data={"username": "alice", "password": "pw-1x"},
    )
    line = masked_curl(request)
    assert line.startswith("curl -X POST") and "username=alice&password=***" in line
    assert "cid-123456" not in line and "pw-1x" not in line


def test_curl_masks_a_json_body_too():
    request = prepared(
        "POST", "http://h/v3.1/4711/user/register", headers={"Content-Type": "application/json"}
    )
    request.body = json.dumps({"username": "ann", "password": "Secret123"})
    line = masked_curl(request)
    assert "Secret123" not in line and '"username": "ann"' in line
