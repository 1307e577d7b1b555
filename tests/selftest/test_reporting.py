"""Reports land in the report directory; a failed call is shown as curl with secrets masked."""

from __future__ import annotations

import pytest
import requests

from nexx_conformance.reporting import masked_curl

pytest_plugins = ["pytester"]

PASSING_AND_FAILING = """
def test_passes():
    assert True

def test_fails():
    assert 1 == 2
"""


def prepared(method, url, headers=None, data=None):
    return requests.Request(method, url, headers=headers, data=data).prepare()


def test_curl_masks_session_signature_and_password_fields():
    request = prepared("POST", "http://127.0.0.1:8080/v3.1/4711/session/login",
                       headers={"X-Request-CID": "cid-123456", "X-Request-Token": "f" * 32},
                       data={"username": "alice", "password": "Secret-pass-1"})
    line = masked_curl(request)
    assert "X-Request-CID: ***" in line and "X-Request-Token: ***" in line
    assert "username=alice" in line and "password=***" in line
    assert "cid-123456" not in line and "f" * 32 not in line and "Secret-pass-1" not in line


def test_curl_masks_secrets_in_the_query_string():
    line = masked_curl(prepared("GET", "http://127.0.0.1:8080/v3.1/4711/user/requestpass",
                                headers={"X-Request-CID": "c"}))
    assert line.endswith("/4711/user/requestpass")
    line = masked_curl(prepared("GET", "http://h/v3.1/4711/user/x?token=abc&start=1"))
    assert "token=***" in line and "start=1" in line and "abc" not in line


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
