"""A cassette tells secrets apart: recorded with vcrpy against a real HTTP server, then
replayed, a test that sends the old password where it recorded the new one (or a fresh
token where it reused one) no longer matches; the right sequence of other values does.

The values differ between recording and replay on purpose, as they do in the suite:
passwords are random per run, and in replay the channel hands out stand-in tokens.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

from nexx_conformance.channels.replayed import ReplayedChannel
from nexx_conformance.recording.matchers import MATCH_ON, MATCHERS
from nexx_conformance.recording.scrubbing import Scrubber
from nexx_conformance.stand_ins import StandIns


class Answer(BaseHTTPRequestHandler):
    """Answers every POST with the nexx envelope, echoing the path in calledwith."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps(
            {"metadata": {"status": 200, "calledwith": self.path}, "result": {}}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real HTTP server on a loopback port (vcrpy records real requests only)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/v3.1/4711"
    httpd.shutdown()
    httpd.server_close()


def cassette(path: Path, record_mode: str):
    """A cassette with the suite's matchers and a fresh Scrubber, as each test gets one."""
    recorder = vcr.VCR(record_mode=record_mode, match_on=list(MATCH_ON))
    for name, matcher in MATCHERS.items():
        recorder.register_matcher(name, matcher)
    scrubber = Scrubber(["domain-secret"])
    return recorder.use_cassette(
        str(path),
        before_record_request=scrubber.before_record_request,
        before_record_response=scrubber.before_record_response,
    )


def change_password(base: str, old: str, new: str, logs_in_with: str) -> None:
    """Log in, change the password, log in again with `logs_in_with`."""
    with httpx.Client() as http:
        http.post(f"{base}/session/login", data={"username": "qa_replay_1", "password": old})
        http.post(f"{base}/user/changepassword", data={"currentpassword": old, "newpassword": new})
        http.post(
            f"{base}/session/login", data={"username": "qa_replay_1", "password": logs_in_with}
        )


def authorize_twice(base: str, first: str, second: str) -> None:
    with httpx.Client() as http:
        http.post(f"{base}/user/authorize/{first}")
        http.post(f"{base}/user/authorize/{second}")


def test_replay_sending_the_old_password_where_the_new_one_was_recorded_fails(server, tmp_path):
    path = tmp_path / "password.yaml"
    with cassette(path, "all"):
        change_password(server, "Recorded1old", "Recorded2new", logs_in_with="Recorded2new")
    stored = path.read_text()
    assert "Recorded" not in stored
    assert stored.count("***password-1***") == 2 and stored.count("***password-2***") == 2

    with cassette(path, "none"), pytest.raises(CannotOverwriteExistingCassetteException):
        change_password(server, "Replayed1old", "Replayed2new", logs_in_with="Replayed1old")


def test_replay_sending_other_values_in_the_recorded_sequence_matches(server, tmp_path):
    path = tmp_path / "password.yaml"
    with cassette(path, "all"):
        change_password(server, "Recorded1old", "Recorded2new", logs_in_with="Recorded2new")

    with cassette(path, "none") as replayed:
        change_password(server, "Replayed1old", "Replayed2new", logs_in_with="Replayed2new")
    assert replayed.all_played


@pytest.mark.parametrize(
    "recorded, replayed_twice, matches",
    [
        pytest.param(
            ("TokenOfTheFirstMail0001", "TokenOfTheSecondMail002"),
            False,
            True,
            id="two-mails-replayed-from-two-stand-ins-match",
        ),
        pytest.param(
            ("TokenOfTheFirstMail0001", "TokenOfTheFirstMail0001"),
            True,
            True,
            id="token-reused-on-purpose-replays",
        ),
        pytest.param(
            ("TokenOfTheFirstMail0001", "TokenOfTheFirstMail0001"),
            False,
            False,
            id="fresh-token-where-one-was-reused-fails",
        ),
        pytest.param(
            ("TokenOfTheFirstMail0001", "TokenOfTheSecondMail002"),
            True,
            False,
            id="reused-token-where-two-were-sent-fails",
        ),
    ],
)
def test_mailed_tokens_replay_only_in_the_recorded_sequence(
    server, tmp_path, recorded, replayed_twice, matches
):
    path = tmp_path / "tokens.yaml"
    with cassette(path, "all"):
        authorize_twice(server, *recorded)
    assert "TokenOf" not in path.read_text()
    mailbox = ReplayedChannel(StandIns())
    first = mailbox.wait_for("qa_replay_1@example.test", "authorize").token
    second = (
        first if replayed_twice else mailbox.wait_for("qa_replay_1@example.test", "authorize").token
    )

    with cassette(path, "none"):
        if matches:
            authorize_twice(server, first, second)
        else:
            with pytest.raises(CannotOverwriteExistingCassetteException):
                authorize_twice(server, first, second)
