"""The calibration a run ends with: the overlay file and its line, or nothing to calibrate;
where it goes (--calibration-overlay > NEXX_CALIBRATION_OVERLAY > the report directory);
the HTML report links and summarises it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nexx_conformance.overlay import schema_errors
from nexx_conformance.pytest_plugin.options import calibration_overlay

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"

WARNS_OF_A_GUESSED_ENUM = """
import copy
from nexx_conformance import guessed_rules
from nexx_conformance.contract import contract, of_document

EXAMPLE = "#/paths/~1{domainid}~1user~1profile/get/responses/200/content/application~1json/example"

def test_warns(guessed_warnings):
    body = copy.deepcopy(of_document(contract().document).at(EXAMPLE))
    body["result"]["gender"] = "other"
    found = guessed_rules.violations("GET", "/{domainid}/user/profile", 200, body)
    guessed_warnings.add("test_warns", "profile", 200, [
        guessed_rules.BrokenRule(v.rule, v.evidence, v.seen) for v in found
    ])
"""


def test_a_run_with_a_guessed_rule_broken_writes_the_overlay_and_says_so(pytester):
    pytester.makepyfile(WARNS_OF_A_GUESSED_ENUM)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--report-dir=r")
    result.assert_outcomes(passed=1)
    path = pytester.path / "r" / "calibration.overlay.yaml"
    result.stdout.fnmatch_lines(
        [
            (
                f"nexx calibration: 4 actions for 1 findings written to {path}; review it, then "
                f"scripts/calibrate-contract {path}"
            )
        ]
    )
    overlay = yaml.safe_load(path.read_text())
    assert schema_errors(overlay) == []
    assert overlay["actions"][1]["update"] == {"enum": ["other"]}
    html = (pytester.path / "r" / "report.html").read_text()
    assert 'id="nexx-calibration"' in html
    assert '<a href="calibration.overlay.yaml">calibration.overlay.yaml</a>' in html
    assert "1 guessed rule" in html


def test_a_run_with_nothing_beyond_the_contract_writes_no_overlay(pytester):
    shutil.copytree(CONTRACTS, pytester.path / "contracts")
    reports = pytester.mkdir("r")
    (reports / "calibration.overlay.yaml").write_text("of an earlier run")
    pytester.makepyfile("""
        def test_keepalive(anonymous_session):
            assert anonymous_session.keepalive().status == 200
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--report-dir=r")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "nexx calibration: nothing to calibrate (*calibration.overlay.yaml of a previous run removed)"
        ]
    )
    assert not (reports / "calibration.overlay.yaml").exists()
    assert "Nothing to calibrate" in (reports / "report.html").read_text()


@pytest.mark.parametrize(
    "args, env, expected",
    [
        pytest.param((), None, "reports/calibration.overlay.yaml", id="default-in-the-report-dir"),
        pytest.param(
            ("--report-dir=out",), None, "out/calibration.overlay.yaml", id="follows-the-report-dir"
        ),
        pytest.param((), "c.yaml", "c.yaml", id="environment"),
        pytest.param(
            ("--calibration-overlay=o.yaml",), "c.yaml", "o.yaml", id="option-wins-over-environment"
        ),
    ],
)
def test_where_the_overlay_goes(pytester, monkeypatch, args, env, expected):
    # tox sets NEXX_REPORT_DIR (reports/<environment>); the defaults are what is asked here.
    monkeypatch.delenv("NEXX_REPORT_DIR", raising=False)
    monkeypatch.delenv("NEXX_CALIBRATION_OVERLAY", raising=False)
    if env is not None:
        monkeypatch.setenv("NEXX_CALIBRATION_OVERLAY", env)
    config = pytester.parseconfigure(*args)
    assert calibration_overlay(config) == pytester.path / expected
