"""Cassettes in a run: a replay cannot record, a missing cassette says how to record it, and
generated cases do not depend on our source code's literals (or every cassette goes stale)."""

import inspect

from hypothesis.internal.conjecture import providers

import nexx_conformance.checks  # noqa: F401 - a project module full of string literals
from nexx_conformance.pytest_plugin.replay import without_source_constants

USAGE_ERROR = 4


def test_hypothesis_still_reads_local_constants_where_the_plugin_empties_them():
    # without_source_constants replaces this private function; if hypothesis stops calling
    # it, our literals would reach generated cases again and cassettes go stale on edits.
    assert "_get_local_constants()" in inspect.getsource(providers.HypothesisProvider)


def test_project_literals_do_not_reach_generation():
    without_source_constants()  # the plugin did this at configure time already
    constants = providers._get_local_constants()
    assert not constants.strings and not constants.integers and not constants.floats


def test_replay_cannot_record(pytester):
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--target", "replay", "--record-mode", "rewrite")
    assert result.ret == USAGE_ERROR
    result.stderr.fnmatch_lines(["*cannot record*"])


def test_replay_without_cassette_says_how_to_record(pytester):
    pytester.makepyfile("""
        import pytest

        @pytest.mark.vcr
        def test_x(anonymous_session):
            pass
    """)
    result = pytester.runpytest_subprocess("--target", "replay", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)  # the session is opened while setting the test up
    result.stdout.fnmatch_lines(["*record it again with --record-mode=rewrite*"])
