"""The end-of-run count of users left on the reference server, as a user of the plugin
sees it: one line, per xdist worker when there are workers, names when anyone is left."""

from __future__ import annotations

import pytest

from nexx_conformance.users_left import summary_line

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


@pytest.mark.parametrize("reports, expected, warns", [
    pytest.param({"": {"names": []}}, "nexx: users left on the reference server: 0", False,
                 id="single-process-none-left"),
    pytest.param({"gw0": {"names": []}, "gw1": {"names": []}},
                 "nexx: users left on the reference server: 0 (gw0: 0, gw1: 0)", False,
                 id="two-workers-none-left"),
    pytest.param({"gw0": {"names": ["4711:a"]}, "gw1": {"error": "OperationalError: locked"}},
                 "nexx: users left on the reference server: 1 (gw0: 1, gw1: not counted)"
                 " - not removed by the cleanup: 4711:a - not counted: gw1: OperationalError: locked",
                 True, id="left-and-uncounted-warn"),
])
def test_summary_line(reports, expected, warns):
    assert summary_line(reports) == (expected, warns)


def test_users_the_run_made_are_gone_at_the_end(pytester):
    pytester.makepyfile(TRACKED_USERS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["nexx: users left on the reference server: 0"])


def test_each_xdist_worker_counts_its_own_server(pytester):
    pytester.makepyfile(TRACKED_USERS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["nexx: users left on the reference server: 0 (gw0: 0, gw1: 0)"])


def test_an_untracked_user_is_counted_and_named(pytester):
    pytester.makepyfile(UNTRACKED_REGISTRATION)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    line = "nexx: users left on the reference server: 1 - not removed by the cleanup: "
    result.stdout.fnmatch_lines([line + "4711:qa_untracked_1"])
