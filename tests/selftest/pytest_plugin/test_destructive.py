"""The `destructive` marker: skipped where destructive tests are not allowed, and needed by
every test that calls an operation the contract marks x-nexx-destructive."""

from __future__ import annotations

# Replayed without a cassette: a call that is sent meets the blocked network (an Exception);
# one the guard refuses fails the test (pytest's Failed is no Exception).
UNREGISTERS = """
import pytest

@pytest.mark.scenario
{marker}
def test_removes_an_account(client):
    try:
        client.session("a-session-of-the-user").delete("user/unregister")
    except Exception:
        pass  # sent
"""


def test_destructive_tests_are_skipped_on_url_targets(pytester):
    pytester.makepyfile("import pytest\n@pytest.mark.destructive\ndef test_x(): pass\n")
    result = pytester.runpytest("--target", "https://s.example/v3.1", "--domain-secret", "x", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*--allow-destructive or set NEXX_ALLOW_DESTRUCTIVE=yes*"])


def test_allow_destructive_takes_no_value_so_a_path_after_it_stays_a_path(pytester):
    pytester.makepyfile(test_a="import pytest\n@pytest.mark.destructive\ndef test_x(): pass\n")
    result = pytester.runpytest("--target", "replay", "--allow-destructive", "test_a.py")
    result.assert_outcomes(passed=1)
    result = pytester.runpytest("--target", "replay", "--no-allow-destructive", "test_a.py")
    result.assert_outcomes(skipped=1)


def test_an_unmarked_test_calling_a_destructive_operation_fails_before_sending_it(pytester):
    pytester.makepyfile(UNREGISTERS.format(marker=""))
    result = pytester.runpytest("--target", "replay")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            (
                "nexx: test_an_unmarked_test_calling_a_destructive_operation_fails_before_sending_it.py"
                "::test_removes_an_account calls unregister (DELETE /{domainid}/user/unregister), "
                "which the contract marks x-nexx-destructive *; the call was not sent. Mark the "
                "test @pytest.mark.destructive*NEXX_ALLOW_DESTRUCTIVE=yes*"
            ),
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_test_outside_the_product_is_not_guarded(pytester):
    pytester.makepyfile(UNREGISTERS.format(marker="").replace("@pytest.mark.scenario", ""))
    pytester.runpytest("--target", "replay").assert_outcomes(passed=1)


def test_a_marked_test_calls_it_where_destructive_tests_are_allowed(pytester):
    pytester.makepyfile(UNREGISTERS.format(marker="@pytest.mark.destructive"))
    pytester.runpytest("--target", "replay").assert_outcomes(passed=1)
    result = pytester.runpytest("--target", "replay", "--no-allow-destructive")
    result.assert_outcomes(skipped=1)
