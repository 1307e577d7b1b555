"""The replay audit finds both kinds of divergence: a request not recorded, a recording not played.

The cassettes here are tiny fixtures written into tmp_path at test time; vcrpy plays them to
a real httpx client, as it plays the product cassettes to the suite.
"""

from __future__ import annotations

import json

import httpx
import pytest
import vcr
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException

from nexx_conformance.recording.replay_audit import (
    FAILED,
    PASSED,
    SKIPPED,
    CassetteWatch,
    Tally,
    stale_line,
    summary_line,
    unmatched_message,
)
from nexx_conformance.status import OK

# Never contacted: every request below is answered from a cassette (port 9 is "discard").
BASE = "http://127.0.0.1:9/v3.1/4711"
PROFILE = f"{BASE}/user/profile"
TOKEN = "Zq8s0mE0neTimeT0kenXyz123"
AUTHORIZE = f"{BASE}/user/authorize/{TOKEN}"


def interaction(method: str, uri: str) -> dict:
    return {
        "request": {"method": method, "uri": uri, "body": None, "headers": {}},
        "response": {
            "status": {"code": int(OK), "message": "OK"},
            "headers": {"content-type": ["application/json"]},
            "body": {"string": '{"metadata": {"status": 200}, "result": null}'},
        },
    }


def write_cassette(path, *requests: tuple[str, str]):
    path.write_text(
        yaml.safe_dump({"interactions": [interaction(m, u) for m, u in requests], "version": 1})
    )
    return path


def replaying(path, record_mode: str = "none"):
    return vcr.VCR(record_mode=record_mode, match_on=["method", "uri"]).use_cassette(str(path))


@pytest.fixture
def two_recorded(tmp_path):
    """A cassette holding a profile read and an authorization with a one-time token."""
    return write_cassette(tmp_path / "two.yaml", ("GET", PROFILE), ("POST", AUTHORIZE))


def test_every_interaction_played_is_no_problem(two_recorded):
    with replaying(two_recorded) as cassette:
        watch = CassetteWatch(cassette)
        httpx.get(PROFILE)
        httpx.post(AUTHORIZE)
        assert watch.problem(PASSED) is None
        assert watch.tally() == Tally(cassettes=1, replayed=2)


def test_unplayed_interaction_fails_naming_it_with_the_token_masked(two_recorded):
    with replaying(two_recorded) as cassette:
        watch = CassetteWatch(cassette, nodeid="tests/scenarios/test_a.py::test_b")
        httpx.get(PROFILE)
        problem = watch.problem(PASSED)
        tally = watch.tally()
    assert problem is not None
    assert "1 of 2 recorded interaction(s) were never played" in problem
    assert "POST http://127.0.0.1:9/v3.1/4711/user/authorize/***" in problem
    assert "scripts/record-cassettes tests/scenarios/test_a.py::test_b" in problem
    assert TOKEN not in problem
    assert tally == Tally(
        cassettes=1, replayed=1, unplayed=1, stale=["tests/scenarios/test_a.py::test_b"]
    )


def test_a_failed_test_counts_what_it_left_unplayed_and_hears_its_cassette_is_stale(
    two_recorded,
):
    with replaying(two_recorded) as cassette:
        watch = CassetteWatch(cassette, nodeid="tests/scenarios/test_a.py::test_b")
        httpx.get(PROFILE)
        problem = watch.problem(FAILED)
        assert watch.tally().unplayed == 1
    assert problem is not None
    assert problem.startswith(
        "nexx replay: the test's failure coincides with 1 of 2 recorded interaction(s) never "
        "played (the first POST http://127.0.0.1:9/v3.1/4711/user/authorize/***)"
    )
    assert "the cassette is probably stale" in problem
    assert "scripts/record-cassettes tests/scenarios/test_a.py::test_b" in problem


def test_a_test_failing_where_its_recording_failed_is_not_blamed(two_recorded):
    with replaying(two_recorded) as cassette:
        watch = CassetteWatch(cassette)
        httpx.get(PROFILE)
        httpx.post(AUTHORIZE)
        assert watch.problem(FAILED) is None
        assert watch.tally() == Tally(cassettes=1, replayed=2)


def test_a_skipped_test_is_not_failed_but_its_unplayed_interactions_count(two_recorded):
    with replaying(two_recorded) as cassette:
        watch = CassetteWatch(cassette, nodeid="t.py::test_x")
        httpx.get(PROFILE)
        assert watch.problem(SKIPPED) is None
        assert watch.tally().unplayed == 1


def test_unmatched_request_is_refused_and_counted(two_recorded):
    with replaying(two_recorded) as cassette:
        watch = CassetteWatch(cassette)
        with pytest.raises(CannotOverwriteExistingCassetteException):
            httpx.get(f"{BASE}/user/watchlist")
    assert watch.tally().unmatched == 1


def test_swallowed_unmatched_request_still_fails_the_test(two_recorded):
    with replaying(two_recorded) as cassette:
        watch = CassetteWatch(cassette)
        httpx.get(PROFILE)
        httpx.post(AUTHORIZE)
        try:
            httpx.get(f"{BASE}/user/watchlist")
        except CannotOverwriteExistingCassetteException:
            pass  # code under test that hides errors must not hide this one
        problem = watch.problem(PASSED)
    assert problem is not None
    assert "1 request(s) not in the cassette, the first GET " in problem
    assert "/4711/user/watchlist" in problem


def test_request_played_twice_is_unmatched_the_second_time(two_recorded):
    with replaying(two_recorded) as cassette:
        watch = CassetteWatch(cassette)
        httpx.get(PROFILE)
        with pytest.raises(CannotOverwriteExistingCassetteException) as raised:
            httpx.get(PROFILE)
    assert len(watch.unmatched) == 1
    assert "fewer times than the test now sends it" in unmatched_message(raised.value)


def test_unmatched_message_is_short_names_the_difference_and_masks_secrets(two_recorded):
    with replaying(two_recorded), pytest.raises(CannotOverwriteExistingCassetteException) as raised:
        httpx.post(f"{BASE}/user/authorize/{TOKEN}x?password=hunter2secret")
    message = unmatched_message(raised.value, secrets=["hunter2secret"])
    assert message.startswith("nexx replay: POST http://127.0.0.1:9/v3.1/4711/user/authorize/***")
    assert "differs in uri" in message
    assert "two.yaml" in message and "scripts/record-cassettes" in message
    assert TOKEN not in message and "hunter2secret" not in message
    assert "How to fix" not in message  # vcrpy's long dump is not repeated


def test_missing_cassette_is_said_plainly(tmp_path):
    absent = tmp_path / "absent.yaml"
    with replaying(absent), pytest.raises(CannotOverwriteExistingCassetteException) as raised:
        httpx.get(PROFILE)
    assert "the cassette does not exist" in unmatched_message(raised.value)


def test_recording_counts_the_interactions_written(tmp_path, loopback):
    tiny_server = f"{loopback}/v3.1/4711"
    path = write_cassette(tmp_path / "grow.yaml", ("GET", f"{tiny_server}/user/profile"))
    with replaying(path, record_mode="new_episodes") as cassette:
        watch = CassetteWatch(cassette)
        httpx.get(f"{tiny_server}/user/profile")
        httpx.get(f"{tiny_server}/user/likes")
        httpx.get(f"{tiny_server}/user/cart")
        tally = watch.tally()
    assert tally == Tally(cassettes=1, replayed=1, written=2)
    assert len(yaml.safe_load(path.read_text())["interactions"]) == 3


def test_tallies_add_up_across_workers():
    total = Tally()
    for worker in (
        Tally(cassettes=40, replayed=4000),
        Tally(cassettes=36, replayed=4812, unplayed=1),
    ):
        total.add(Tally.from_dict(worker.as_dict()))
    assert total == Tally(cassettes=76, replayed=8812, unplayed=1)
    assert summary_line(total, recording=False) == (
        "nexx replay: 76 cassettes, 8,812 requests replayed, 0 unmatched, 1 unplayed"
    )
    assert summary_line(Tally(cassettes=2, written=9), recording=True).startswith(
        "nexx record: 2 cassettes, 9 interactions written"
    )


def test_the_stale_cassettes_of_every_worker_are_named_with_the_command_to_record_them():
    total = Tally()
    for worker in (
        Tally(unplayed=2, stale=["t/a.py::test_x"]),
        Tally(stale=["t/b.py::test_y[p q]"]),
    ):
        total.add(Tally.from_dict(worker.as_dict()))
    assert stale_line(Tally()) is None
    assert stale_line(total) == (
        "nexx replay: the cassettes of 2 test(s) are probably stale (a request not in them, or "
        "one recorded and not played); record it again: scripts/record-cassettes t/a.py::test_x "
        "'t/b.py::test_y[p q]' (the whole suite: uv run tox -e record)"
    )


# End to end: the plugin in a throwaway `pytest --target replay` run, one test, one cassette
# at the place the suite looks for it (cassettes/<test module>/<test name>.json).
FLOW = """
import httpx, pytest

@pytest.mark.vcr
def test_flow():
    httpx.get("{profile}")
    {more}
"""


def replay_run(pytester, more: str, *recorded: tuple[str, str]):
    pytester.makepyfile(test_flow=FLOW.format(profile=PROFILE, more=more or "pass"))
    folder = pytester.path / "cassettes" / "test_flow"
    folder.mkdir(parents=True)
    # Where and how the plugin keeps it: cassettes/<module>/<test>.json (cassettes.SERIALIZER).
    folder.joinpath("test_flow.json").write_text(
        json.dumps({"interactions": [interaction(m, u) for m, u in recorded], "version": 1})
    )
    return pytester.runpytest("--target", "replay", "-p", "no:randomly")


def test_replay_run_reports_zero_unmatched_zero_unplayed(pytester):
    result = replay_run(pytester, "", ("GET", PROFILE))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["nexx replay: 1 cassettes, 1 requests replayed, 0 unmatched, 0 unplayed"]
    )


def test_replay_run_fails_a_test_that_left_an_interaction_unplayed(pytester):
    result = replay_run(pytester, "", ("GET", PROFILE), ("POST", AUTHORIZE))
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            (
                "*1 of 2 recorded interaction(s) were never played, the first "
                "POST http://127.0.0.1:9/v3.1/4711/user/authorize/[*][*][*]*"
            ),
            "nexx replay: 1 cassettes, 1 requests replayed, 0 unmatched, 1 unplayed",
        ]
    )
    assert TOKEN not in result.stdout.str()


def test_replay_run_fails_an_unrecorded_request_in_one_line(pytester):
    result = replay_run(pytester, f'httpx.post("{AUTHORIZE}")', ("GET", PROFILE))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            (
                "*nexx replay: POST http://127.0.0.1:9/v3.1/4711/user/authorize/[*][*][*] is not in the "
                "cassette cassettes/test_flow/test_flow.json (*"
            ),
            "nexx replay: 1 cassettes, 1 requests replayed, 1 unmatched, 0 unplayed",
        ]
    )
    output = result.stdout.str()
    assert TOKEN not in output and "How to fix" not in output


def test_replay_run_counts_what_a_failed_test_left_unplayed_and_calls_its_cassette_stale(
    pytester,
):
    result = replay_run(
        pytester, 'assert False, "expected 200 OK, got 403"', ("GET", PROFILE), ("POST", AUTHORIZE)
    )
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_flow*",
            (
                "nexx replay: the test's failure coincides with 1 of 2 recorded interaction(s) "
                "never played (the first POST http://127.0.0.1:9/v3.1/4711/user/authorize/"
                "[*][*][*]token-1[*][*][*]): the cassette is probably stale*record it again: "
                "scripts/record-cassettes "
                "test_flow.py::test_flow*"
            ),
            "*expected 200 OK, got 403*",
            "nexx replay: 1 cassettes, 1 requests replayed, 0 unmatched, 1 unplayed",
            "nexx replay: the cassettes of 1 test(s) are probably stale*test_flow.py::test_flow*",
        ]
    )
