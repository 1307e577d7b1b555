"""A failed call is shown as curl with secrets masked."""

from __future__ import annotations

import requests

from nexx_conformance.reporting import masked_curl


def prepared(method, url, headers=None, data=None):
    return requests.Request(method, url, headers=headers, data=data).prepare()


def test_curl_masks_session_signature_and_password_fields():
    request = prepared("POST", "http://127.0.0.1:8080/v3.1/4711/session/login",
                       headers={"X-Request-CID": "cid-123456", "X-Request-Token": "f" * 32},
                       data={"username": "alice", "password": "Secret-pass-1"})
    line = masked_curl(request)
    assert "X-Request-CID: ***" in line and "X-Request-Token: ***" in line
    assert "username=alice" in line and "password=***" in line
    assert "cid-123456" not in line and "f" * 32 not in line and "Secret-pass-1" not in line


def test_curl_masks_secrets_in_the_query_string():
    line = masked_curl(prepared("GET", "http://127.0.0.1:8080/v3.1/4711/user/requestpass",
                                headers={"X-Request-CID": "c"}))
    assert line.endswith("/4711/user/requestpass")
    line = masked_curl(prepared("GET", "http://h/v3.1/4711/user/x?token=abc&start=1"))
    assert "token=***" in line and "start=1" in line and "abc" not in line
