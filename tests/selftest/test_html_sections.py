"""The HTML report's sections: the coverage grid, the flows with their steps, JSON reports."""

from __future__ import annotations

import re

import pytest

from nexx_conformance.flow_runs import ScenarioRun
from nexx_conformance.html_sections import (
    coverage_grid,
    flows_section,
    json_section,
    kill_matrix_section,
)


def operation(operation_id, declared, seen, called=None):
    return {
        "operationId": operation_id,
        "method": "GET",
        "path": f"/{{domainid}}/user/{operation_id}",
        "called": sum(seen.values()) if called is None else called,
        "parameters_sent": [],
        "parameters_declared": ["domainid"],
        "statuses_seen": seen,
        "statuses_declared": declared,
        "statuses_undeclared": sorted(set(seen) - set(declared)),
    }


def summary(*rows):
    return {
        "operations": list(rows),
        "totals": {
            "operations_called": sum(1 for r in rows if r["called"]),
            "operations_declared": len(rows),
            "requests": sum(r["called"] for r in rows),
            "requests_outside_contract": 0,
            "parameters_sent": 0,
            "parameters_declared": len(rows),
            "statuses_seen": 1,
            "statuses_declared": 4,
        },
    }


def cell(html, operation_id, code):
    """The grid cell of one operation and status code (columns: operation, calls, params, codes)."""
    head = re.search(r"<thead>(.*?)</thead>", html).group(1)
    codes = re.findall(r"<th>([^<]+)</th>", head)[2:]
    row = re.search(rf"<tr[^>]*><th class=\"op\">{operation_id} .*?</tr>", html).group(0)
    cells = re.findall(r"<td[^>]*>.*?</td>", row)[2:]
    return cells[codes.index(code)]


GRID = coverage_grid(
    summary(
        operation("likes", ["200", "401"], {"200": 7, "500": 1}),
        operation("history", ["200", "404"], {}, called=0),
    )
)


@pytest.mark.parametrize(
    "operation_id, code, css, text",
    [
        pytest.param("likes", "200", "seen", "7", id="declared-and-seen-is-green-with-count"),
        pytest.param("likes", "401", "expected", "&middot;", id="declared-never-seen-is-expected"),
        pytest.param("likes", "500", "undeclared", "1!", id="seen-not-declared-is-flagged"),
        pytest.param("likes", "404", "absent", "", id="neither-is-blank"),
        pytest.param(
            "history", "404", "expected", "&middot;", id="uncalled-operation-shows-its-statuses"
        ),
    ],
)
def test_coverage_grid_colours_each_status(operation_id, code, css, text):
    found = cell(GRID, operation_id, code)
    assert f'class="{css}"' in found and found.endswith(f">{text}</td>")


def test_coverage_grid_has_a_column_per_status_a_legend_and_the_totals():
    assert re.findall(r"<th>(\d+)</th>", GRID) == ["200", "401", "404", "500"]
    assert "declared, never answered" in GRID and "not declared" in GRID
    assert "operations called 1/2" in GRID
    assert '<tr class="uncalled"><th class="op">history' in GRID


def test_coverage_grid_needs_no_external_asset():
    assert not re.search(r"<(link|script|img)\b|url\(|https?://", GRID)


FAILED = ScenarioRun(
    "tests/scenarios/test_two_factor_sms.py::test_code_is_needed",
    "2fa-sms",
    outcome="failed",
    steps=("register", "log in <new device>", "send code"),
    failed_step=2,
    reason="login: expected ACCEPTED, got OK",
    seconds=1.5,
)
PASSED = ScenarioRun(
    "tests/scenarios/test_two_factor_sms.py::test_code_works", "2fa-sms", steps=("register",)
)


def test_flows_show_each_test_with_its_steps_and_the_failed_step():
    html = flows_section({"2fa-sms": [FAILED, PASSED]}, ["2fa-sms", "u2f"])
    assert '<div class="nexx-flow failed"><h3>2fa-sms <small>(1 passed, 1 failed)</small>' in html
    assert '<li class="failed"><b>2</b>log in &lt;new device&gt;</li>' in html
    assert '<li><b>1</b>register</li><li class="failed">' in html
    assert "login: expected ACCEPTED, got OK" in html
    assert "No scenario ran for <code>u2f</code>" in html
    assert "1 of 2 flows ran a scenario" in html


def test_no_flows_section_when_no_scenario_ran():
    assert flows_section({}, ["2fa-sms"]) == ""


KILLS = [
    {
        "fault": "wrong-status",
        "kind": "rule",
        "killed": True,
        "test": "t1",
        "check": "status",
        "seconds": 1.25,
    },
    {
        "fault": "drops-email",
        "kind": "schema",
        "killed": False,
        "test": None,
        "check": None,
        "seconds": 60.0,
    },
]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(KILLS, id="a-list-of-entries"),
        pytest.param({"median_seconds": 4.2, "entries": KILLS}, id="entries-in-an-object"),
    ],
)
def test_kill_matrix_counts_killed_and_marks_survivors(data):
    html = kill_matrix_section(data, "reports/kill-matrix.json")
    assert "1 of 2 injected faults killed, 1 survived" in html
    assert re.search(r'<tr class="survived"><td>drops-email</td>', html)
    header = re.findall(r"<th>(\w+)</th>", html.split("<thead>")[-1])
    assert header[:6] == ["fault", "kind", "killed", "test", "check", "seconds"]


def test_kill_matrix_shows_the_figures_beside_the_entries():
    html = kill_matrix_section({"median_seconds": 4.2, "entries": KILLS}, "k.json")
    assert "<th>median_seconds</th><td>4.20</td>" in html


def test_any_json_report_is_shown_escaped():
    html = json_section(
        "drift",
        "Drift report",
        {"differences": [{"operation": "register", "why": "<script>x</script>"}], "ok": False},
        "reports/drift.json",
    )
    assert "<th>operation</th><th>why</th>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert '<span class="no">no</span>' in html
