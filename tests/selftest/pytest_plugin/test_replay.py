"""Cassettes in a run: a replay cannot record, and a missing cassette says how to record it."""

USAGE_ERROR = 4


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
    result = pytester.runpytest_inprocess("--target", "replay", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)  # the session is opened while setting the test up
    result.stdout.fnmatch_lines(
        ["*(the cassette does not exist): record it: scripts/record-cassettes *::test_x*"]
    )
