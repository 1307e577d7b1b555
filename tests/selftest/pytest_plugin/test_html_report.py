"""Reports land in the report directory: JUnit XML with each scenario's steps, and a
self-contained HTML report with the coverage grid, the flows, kill matrix and drift."""

from __future__ import annotations

import pytest

PASSING_AND_FAILING = """
def test_passes():
    assert True

def test_fails():
    assert 1 == 2
"""


def test_report_dir_option_gets_junit_and_self_contained_html(pytester):
    pytester.makepyfile(PASSING_AND_FAILING)
    result = pytester.runpytest("--report-dir", "out/reports", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    reports = pytester.path / "out" / "reports"
    junit = (reports / "junit.xml").read_text()
    assert 'tests="2"' in junit and 'failures="1"' in junit
    html = (reports / "report.html").read_text()
    assert "test_fails" in html and '<link rel="stylesheet"' not in html  # styles inlined


def test_report_dir_comes_from_the_environment(pytester, monkeypatch):
    monkeypatch.setenv("NEXX_REPORT_DIR", "from-env")
    pytester.makepyfile(PASSING_AND_FAILING)
    pytester.runpytest("-p", "no:cacheprovider")
    assert (pytester.path / "from-env" / "junit.xml").is_file()


def test_an_explicit_junitxml_path_wins(pytester):
    pytester.makepyfile(PASSING_AND_FAILING)
    pytester.runpytest("--junitxml", "mine.xml", "--report-dir", "r", "-p", "no:cacheprovider")
    assert (pytester.path / "mine.xml").is_file()
    assert not (pytester.path / "r" / "junit.xml").exists()


def test_an_unwritable_report_dir_is_a_clear_usage_error(pytester):
    pytester.path.joinpath("taken").write_text("a file, not a directory")
    pytester.makepyfile(PASSING_AND_FAILING)
    result = pytester.runpytest("--report-dir", "taken/reports", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--report-dir*cannot be created*"])
    assert "Traceback" not in result.stderr.str()


SCENARIOS = """
import pytest

pytestmark = pytest.mark.flow("2fa-sms")

def test_code_is_needed(step):
    with step("register a user"):
        pass
    with step("log in from a new device"):
        assert False, "login: expected ACCEPTED"

def test_code_works(step):
    with step("register a user"):
        pass
"""
TINY_CONTRACT = """
openapi: 3.1.0
info: {title: tiny, version: "1"}
paths:
  /{domainid}/user/likes:
    get:
      operationId: likes
      parameters: [{name: domainid, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}, "401": {description: no session}}
"""


def test_steps_of_each_scenario_are_in_the_junit_xml(pytester):
    pytester.makepyfile(SCENARIOS)
    pytester.runpytest("--report-dir=r", "-p", "no:cacheprovider").assert_outcomes(
        passed=1, failed=1
    )
    junit = (pytester.path / "r" / "junit.xml").read_text()
    assert '<property name="step" value="log in from a new device" />' in junit
    assert '<property name="failed step" value="2" />' in junit


def test_html_report_shows_the_flows_with_their_steps(pytester):
    pytester.makepyfile(SCENARIOS)
    pytester.runpytest("--report-dir=r", "-p", "no:cacheprovider")
    html = (pytester.path / "r" / "report.html").read_text()
    assert 'id="nexx-flows"' in html
    assert '<li class="failed"><b>2</b>log in from a new device</li>' in html
    assert "test_code_works" in html and 'id="nexx-kill-matrix"' not in html


def test_html_report_shows_kill_matrix_and_drift_found_in_the_report_dir(pytester):
    reports = pytester.mkdir("r")
    (reports / "kill-matrix.json").write_text(
        '[{"fault": "wrong-status", "kind": "rule", "killed": false, "test": null, '
        '"check": null, "seconds": 9.5}]'
    )
    (reports / "drift.json").write_text('{"differences": [{"operation": "register"}]}')
    pytester.makepyfile(PASSING_AND_FAILING)
    pytester.runpytest("--report-dir=r", "-p", "no:cacheprovider")
    html = (reports / "report.html").read_text()
    assert "0 of 1 injected faults killed" in html and "wrong-status" in html
    assert 'id="nexx-drift"' in html and "register" in html


def test_html_report_shows_the_coverage_grid(pytester):
    bundled = pytester.mkdir("contracts") / "bundled"
    bundled.mkdir()
    (bundled / "nexx-user.openapi.yaml").write_text(TINY_CONTRACT)
    pytester.makepyfile(PASSING_AND_FAILING)
    result = pytester.runpytest("--report-dir=r", "-p", "no:cacheprovider")
    html = (pytester.path / "r" / "report.html").read_text()
    assert 'id="nexx-coverage"' in html and 'title="declared, never seen"' in html
    result.stdout.fnmatch_lines(["nexx contract coverage: no request reached a contract operation"])
    assert "= nexx contract coverage =" not in result.stdout.str()
