"""Options as a user gives them: on the command line or in the environment, the command
line first; a bad value is one clear usage error."""

from __future__ import annotations

import pytest

from nexx_conformance.pytest_plugin.options import wants_coverage_table

PASSING_AND_FAILING = """
def test_passes():
    assert True
"""


@pytest.mark.parametrize(
    "args, env, table",
    [
        pytest.param((), None, False, id="default-one-line"),
        pytest.param(("--coverage-table",), None, True, id="option-asks-for-the-table"),
        pytest.param((), "yes", True, id="environment-asks-for-the-table"),
        pytest.param(("--coverage-table",), "no", True, id="option-wins-over-environment"),
        pytest.param((), "0", False, id="environment-says-no"),
    ],
)
def test_coverage_table_option_and_environment(pytester, monkeypatch, args, env, table):
    if env is not None:
        monkeypatch.setenv("NEXX_COVERAGE_TABLE", env)
    assert wants_coverage_table(pytester.parseconfigure(*args)) is table


def test_a_bad_coverage_table_value_is_a_usage_error(pytester, monkeypatch):
    monkeypatch.setenv("NEXX_COVERAGE_TABLE", "sometimes")
    pytester.makepyfile(PASSING_AND_FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*NEXX_COVERAGE_TABLE must be yes or no (also read: *sometimes*"])


FAILING = """
def test_fails():
    assert False
"""


def test_an_invalid_seed_is_one_message_without_a_traceback(pytester):
    pytester.makepyfile(PASSING_AND_FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--seed", "tomorrow")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --seed / NEXX_SEED must be a whole number from 0 to 2**128 - 1, not 'tomorrow'."]
    )
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_the_recorded_run_says_nothing_of_its_generation(pytester):
    pytester.makepyfile(FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert "nexx generation" not in result.stdout.str()
    assert "reproduce with" not in result.stdout.str()


def test_a_failed_run_at_another_seed_prints_the_command_that_reproduces_it(pytester, monkeypatch):
    monkeypatch.setenv("NEXX_SEED", "90210")
    pytester.makepyfile(FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--max-examples=40", "-k", "fails")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "nexx generation: --seed 90210 --max-examples 40 (not the recorded run)",
            "*nexx generation: seed 90210, 40 examples per operation (not the recorded run*",
            # pytester adds --basetemp to the command line
            (
                "nexx: reproduce with: uv run pytest -p no:cacheprovider -k fails --basetemp=* "
                "--seed 90210 --max-examples 40"
            ),
        ]
    )


def test_a_passing_run_at_another_seed_names_it_without_a_command(pytester):
    pytester.makepyfile(PASSING_AND_FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--seed", "5")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*nexx generation: seed 5, 10 examples per operation*"])
    assert "reproduce with" not in result.stdout.str()


def test_another_generation_is_never_recorded(pytester):
    pytester.makepyfile(PASSING_AND_FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--seed", "5", "--record-mode=rewrite")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--record-mode=rewrite records the cassettes*"])
