"""The end-of-run count of users left on the reference server, as a user of the plugin
sees it: one line, per xdist worker when there are workers, names when anyone is left."""

from __future__ import annotations

import pytest

from nexx_conformance.pytest_plugin.users_left import exit_status, summary_line

UNTRACKED_REGISTRATION = """
    def test_registers_a_user_nobody_tracks(anonymous_session):
        answer = anonymous_session.post("user/register", username="qa_untracked_1",
                                        email="qa_untracked_1@example.test", password="Pw1untracked")
        assert answer.status == 201
"""

TRACKED_USERS = """
    import pytest

    @pytest.mark.parametrize("n", range(4))
    def test_makes_users(user_factory, n):
        user_factory.create()
        user_factory.create(authorize=False)  # never confirms its mail
"""


@pytest.mark.parametrize(
    "reports, expected, warns",
    [
        pytest.param(
            {"": {"names": []}},
            "nexx: users left on the reference server: 0",
            False,
            id="single-process-none-left",
        ),
        pytest.param(
            {"gw0": {"names": []}, "gw1": {"names": []}},
            "nexx: users left on the reference server: 0 (gw0: 0, gw1: 0)",
            False,
            id="two-workers-none-left",
        ),
        pytest.param(
            {"gw0": {"names": ["4711:a"]}, "gw1": {"error": "OperationalError: locked"}},
            "nexx: users left on the reference server: 1 (gw0: 1, gw1: not counted)"
            " - not removed by the cleanup: 4711:a - not counted: gw1: OperationalError: locked",
            True,
            id="left-and-uncounted-warn",
        ),
    ],
)
def test_summary_line(reports, expected, warns):
    assert summary_line(reports) == (expected, warns)


def test_users_the_run_made_are_gone_at_the_end(pytester):
    pytester.makepyfile(TRACKED_USERS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["nexx: users left on the reference server: 0"])
    assert result.ret == pytest.ExitCode.OK
    result.stdout.no_fnmatch_line("*the run fails*")


def test_each_xdist_worker_counts_its_own_server(pytester):
    pytester.makepyfile(TRACKED_USERS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["nexx: users left on the reference server: 0 (gw0: 0, gw1: 0)"])


def test_a_user_left_on_the_reference_server_fails_the_run_with_its_name(pytester):
    pytester.makepyfile(UNTRACKED_REGISTRATION)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    line = "nexx: users left on the reference server: 1 - not removed by the cleanup: "
    result.stdout.fnmatch_lines(
        [
            line + "4711:qa_untracked_1",
            "nexx: the run fails: the cleanup left 1 test user on the reference server*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_user_left_by_an_xdist_worker_fails_the_run(pytester):
    pytester.makepyfile(UNTRACKED_REGISTRATION)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["nexx: the run fails: the cleanup left 1 test user*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize(
    "reports, status, expected",
    [
        pytest.param(
            {"": {"names": ["4711:a"]}},
            pytest.ExitCode.OK,
            pytest.ExitCode.TESTS_FAILED,
            id="passing-run-that-left-a-user-fails",
        ),
        pytest.param(
            {"gw0": {"names": []}, "gw1": {"names": ["4711:a"]}},
            pytest.ExitCode.OK,
            pytest.ExitCode.TESTS_FAILED,
            id="one-worker-left-a-user-fails",
        ),
        pytest.param(
            {"": {"names": []}}, pytest.ExitCode.OK, pytest.ExitCode.OK, id="none-left-passes"
        ),
        pytest.param(
            {"": {"error": "OperationalError"}},
            pytest.ExitCode.OK,
            pytest.ExitCode.OK,
            id="failed-count-only-warns",
        ),
        pytest.param(
            {}, pytest.ExitCode.OK, pytest.ExitCode.OK, id="url-or-replay-target-counts-nothing"
        ),
        pytest.param(
            {"": {"names": ["4711:a"]}},
            pytest.ExitCode.INTERRUPTED,
            pytest.ExitCode.INTERRUPTED,
            id="interrupted-run-keeps-its-status",
        ),
    ],
)
def test_exit_status(reports, status, expected):
    assert exit_status(reports, status) == expected
