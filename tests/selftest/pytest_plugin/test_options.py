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
