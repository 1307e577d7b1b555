"""Known deviations: a matched failure is an expected failure with its reason, an expired entry
fails the run, an entry nothing matched is stale; the file is checked before the first test."""

from __future__ import annotations

import datetime
import json

import pytest

from nexx_conformance.deviations import Baseline, Deviation

USAGE_ERROR = 4
# Fails the way a property test of /user/profile fails on a closed result.
FAILING_PROFILE_TEST = """
import pytest

@pytest.mark.parametrize("label", ["GET /{domainid}/user/profile"])
def test_operation_conforms_to_the_contract(label):
    raise AssertionError("Response violates schema: additionalProperties at $.result: "
                         "'loyaltyPoints' was unexpected")
"""


def deviations_file(pytester, *entries: dict) -> str:
    lines = ["deviations:"]
    for entry in entries:
        lines.append(f"  - operation: {entry['operation']}")
        lines += [
            f"    {key}: {json.dumps(value)}" for key, value in entry.items() if key != "operation"
        ]
    return str(pytester.makefile(".yaml", deviations="\n".join(lines) + "\n"))


def entry(**changes) -> dict:
    return {
        "operation": "profile",
        "check": "additionalProperties at $.result",
        "reason": "nexx 3.1.4 sends loyaltyPoints (NEXX-123)",
        "until": "2999-12-31",
        **changes,
    }


def run(pytester, path, *args, target="https://s.example/v3.1"):
    return pytester.runpytest(
        "--target",
        target,
        "--domain-secret",
        "x",
        "--report-dir",
        str(pytester.path / "reports"),
        "-rx",
        *args,
        "--deviations",
        path,
    )


def test_a_matched_failure_is_an_expected_failure_with_its_reason(pytester):
    pytester.makepyfile(FAILING_PROFILE_TEST)
    result = run(pytester, deviations_file(pytester, entry()))
    result.assert_outcomes(xfailed=1)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*1 of 1 entries turned failures into expected failures; 0 stale, 0 expired*",
            "XFAIL*known deviation #1 profile*NEXX-123*",
        ]
    )
    report = json.loads((pytester.path / "reports" / "deviations.json").read_text())
    assert [row["operation"] for row in report["matched"]] == ["profile"]


def test_an_entry_for_another_check_or_operation_leaves_the_failure_and_is_stale(pytester):
    pytester.makepyfile(FAILING_PROFILE_TEST)
    path = deviations_file(pytester, entry(check="errorhint"), entry(operation="login"))
    result = run(pytester, path)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*stale (matched no failure; remove it?): #1 profile*",
            "*stale (matched no failure; remove it?): #2 login*",
        ]
    )


def test_an_expired_entry_fails_the_run_and_accepts_nothing(pytester):
    pytester.makepyfile("def test_passes(): pass")
    result = run(pytester, deviations_file(pytester, entry(until="2020-01-31")))
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*EXPIRED, fails the run: #1 profile*"])


def test_an_entry_without_a_reason_stops_the_run_before_the_first_test(pytester):
    pytester.makepyfile("def test_passes(): pass")
    bad = entry()
    del bad["reason"]
    result = run(pytester, deviations_file(pytester, bad))
    assert result.ret == USAGE_ERROR
    result.stderr.fnmatch_lines(["*deviation #1 lacks reason*"])


def test_the_environment_variable_names_the_file(pytester, monkeypatch):
    pytester.makepyfile(FAILING_PROFILE_TEST)
    monkeypatch.setenv("NEXX_DEVIATIONS", deviations_file(pytester, entry()))
    result = pytester.runpytest(
        "--target",
        "https://s.example/v3.1",
        "--domain-secret",
        "x",
        "--report-dir",
        str(pytester.path / "reports"),
    )
    result.assert_outcomes(xfailed=1)


def test_a_scenario_failure_matches_by_the_operation_it_names():
    baseline = Baseline(
        [
            Deviation(
                0, "register", "status 418 is not documented", "teapot", datetime.date(2999, 1, 1)
            )
        ]
    )
    text = (
        "ContractViolation: the answer breaks the contract of register (POST /{domainid}/user/register):\n"
        "  status 418 is not documented (documented: 201, 400)"
    )
    assert baseline.match("tests/scenarios/test_x.py::test_y", text) is not None
    other = text.replace(
        "register (POST /{domainid}/user/register)", "login (POST /{domainid}/session/login)"
    )
    assert baseline.match("tests/scenarios/test_x.py::test_y", other) is None


def test_under_xdist_the_controller_knows_which_entries_matched(pytester):
    pytester.makepyfile(FAILING_PROFILE_TEST)
    path = deviations_file(pytester, entry(), entry(operation="login"))
    # Replay: an xdist controller would first check that a URL target answers.
    result = run(pytester, path, "-n", "2", target="replay")
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(
        ["*1 of 2 entries turned failures into expected failures; 1 stale, 0 expired*"]
    )


def test_the_documented_example_file_loads():
    from pathlib import Path

    from nexx_conformance.deviations import load

    example = Path(__file__).resolve().parents[2] / "docs" / "known-deviations.example.yaml"
    entries = load(example)
    assert [entry.operation for entry in entries] == ["profile", "requestpass"]
    assert all(entry.reason and entry.check for entry in entries)
