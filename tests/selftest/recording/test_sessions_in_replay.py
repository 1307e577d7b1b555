"""A replay tells sessions apart: a two-session scenario recorded against the bundled
server, then edited to send one request from the other session, fails in replay naming
that request and its session, and the summary counts it."""

from __future__ import annotations

import json

SCENARIO = """
import pytest

pytestmark = [pytest.mark.scenario, pytest.mark.vcr]


def test_each_device_has_its_own_session(steps):
    user = steps.registered_user()
    laptop = steps.logged_in(user)
    phone = steps.logged_in_on_new_device(user)
    steps.profile({reader})
"""


def run(pytester, reader: str, *args: str):
    pytester.makepyfile(test_devices=SCENARIO.format(reader=reader))
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:randomly", *args)


def test_a_request_sent_from_another_session_than_recorded_fails_the_replay(pytester):
    recorded = run(pytester, "phone", "--record-mode=rewrite")
    recorded.assert_outcomes(passed=1)
    cassette = (
        pytester.path / "cassettes" / "test_devices" / "test_each_device_has_its_own_session.json"
    )
    stored = json.loads(cassette.read_text())["interactions"]
    sessions = [each["request"]["headers"].get("x-request-cid") for each in stored]
    assert ["***"] not in sessions
    # The registration's session (register, authorize) is the first, the laptop's the
    # second, the phone's the third.
    assert stored[-1]["request"]["headers"]["x-request-cid"] == ["***cid-3***"]

    run(pytester, "phone", "--target", "replay").assert_outcomes(passed=1)

    replayed = run(pytester, "laptop", "--target", "replay")
    replayed.assert_outcomes(failed=1)
    replayed.stdout.fnmatch_lines(
        [
            (
                "*nexx replay: GET http://replay.invalid/v3.1/4711/user/profile (session "
                "[*][*][*]cid-2[*][*][*]) is not in the cassette cassettes/test_devices/"
                "test_each_device_has_its_own_session.json (the closest recorded request differs "
                "in nexx_session: session [*][*][*]cid-2[*][*][*] != [*][*][*]cid-3[*][*][*]);*"
            ),
            "nexx replay: 1 cassettes, * requests replayed, 1 unmatched, 1 unplayed",
            "nexx replay: the cassettes of 1 test(s) are probably stale*",
        ]
    )
