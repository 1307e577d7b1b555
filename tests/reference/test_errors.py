"""The last line of defence: a bug answers 500 with the envelope; logs never carry secrets."""

from __future__ import annotations

import logging
from http import HTTPStatus

import pytest

from nexx_conformance.client import NexxClient
from nexx_conformance.status import CREATED
from nexx_reference.routes import session as session_routes
from nexx_reference.server import start_in_thread

from .conftest import MANUAL_DOMAIN, SECRET, client_of, make_settings, new_account


def test_an_unexpected_exception_is_a_500_envelope_and_a_logged_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(call):
        raise RuntimeError("a bug")

    # Patched before the server starts: its app takes the handlers when it is made.
    monkeypatch.setitem(session_routes.HANDLERS, "keepalive", broken)
    with start_in_thread(make_settings()) as running, caplog.at_level(logging.ERROR):
        # No contract check: a 500 is outside every contract, and this bug is planted.
        client = NexxClient(running.base_url, MANUAL_DOMAIN, SECRET)
        answer = client.init().keepalive()
        client.close()
    assert answer.status == HTTPStatus.INTERNAL_SERVER_ERROR
    assert answer.result is None and answer.metadata["status"] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "a bug" not in answer.errorhint
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_without_smtp_a_mail_is_one_masked_log_line_without_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    account = new_account()
    name, password = account["username"], account["password"]
    with start_in_thread(make_settings()) as running, caplog.at_level(logging.DEBUG):
        client = client_of(running.base_url, MANUAL_DOMAIN)
        answer = client.init().post("user/register", **account)
        client.close()
        with running.app.state.services.db.read() as db:
            stored = db.execute("SELECT token_hash FROM mail_tokens").fetchone()["token_hash"]
    assert answer.status == CREATED
    lines = [record.getMessage() for record in caplog.records]
    assert f"mail to {name[0]}***@example.org not sent: no --smtp configured" in lines
    assert not any(f"{name}@" in line or password in line or SECRET in line for line in lines)
    assert len(stored) == 64  # only the token's SHA-256 is stored
