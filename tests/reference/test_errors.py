"""The last line of defence: a bug answers 500 with the envelope; logs never carry secrets."""

from __future__ import annotations

import hashlib
import logging
from http import HTTPStatus

import pytest
from starlette.testclient import TestClient

from nexx_reference.app import create_app
from nexx_reference.routes import session as session_routes

from .conftest import MANUAL_DOMAIN, SECRET, make_settings, unique_name


def signed(operation: str) -> dict[str, str]:
    return {"X-Request-Token": hashlib.md5(f"{operation}{MANUAL_DOMAIN}{SECRET}".encode()).hexdigest()}


def test_an_unexpected_exception_is_a_500_envelope_and_a_logged_traceback(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(call):
        raise RuntimeError("a bug")

    monkeypatch.setitem(session_routes.HANDLERS, "keepalive", broken)
    with TestClient(create_app(make_settings())) as client, caplog.at_level(logging.ERROR):
        cid = client.post(f"/v3.1/{MANUAL_DOMAIN}/session/init",
                          data={"nxp_devh": "device-0001"}).json()["result"]["general"]["cid"]
        response = client.post(f"/v3.1/{MANUAL_DOMAIN}/session/keepalive",
                               headers={"X-Request-CID": cid, **signed("keepalive")})
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    body = response.json()
    assert body["result"] is None and body["metadata"]["status"] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "a bug" not in body["metadata"]["errorhint"]
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_without_smtp_a_mail_is_one_masked_log_line_without_token(caplog: pytest.LogCaptureFixture) -> None:
    name, password = unique_name(), "correct-horse-7"
    with TestClient(create_app(make_settings())) as client, caplog.at_level(logging.DEBUG):
        cid = client.post(f"/v3.1/{MANUAL_DOMAIN}/session/init",
                          data={"nxp_devh": "device-0001"}).json()["result"]["general"]["cid"]
        response = client.post(f"/v3.1/{MANUAL_DOMAIN}/user/register", headers={"X-Request-CID": cid, **signed("register")},
                               data={"username": name, "email": f"{name}@example.org", "password": password})
        with client.app.state.services.db.read() as db:
            stored = db.execute("SELECT token_hash FROM mail_tokens").fetchone()["token_hash"]
    assert response.status_code == HTTPStatus.CREATED
    lines = [record.getMessage() for record in caplog.records]
    assert f"mail to {name[0]}***@example.org not sent: no --smtp configured" in lines
    assert not any(f"{name}@" in line or password in line or SECRET in line for line in lines)
    assert len(stored) == 64  # only the token's SHA-256 is stored
