"""The report files: JUnit XML and pytest-html's self-contained report in the report
directory, with each scenario's flow as a column and our own sections above the tests
(contract coverage grid, flows and their steps, kill matrix and drift when present)."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

from nexx_conformance import constants as c
from nexx_conformance.flow_runs import FlowRuns
from nexx_conformance.pytest_plugin.options import calibration_overlay, report_dir
from nexx_conformance.pytest_plugin.run import is_worker
from nexx_conformance.pytest_plugin.summary import calibration_of, summary_of
from nexx_conformance.reporting import enable_file_reports, ensure_report_dir, report_sections

FLOWS_KEY = pytest.StashKey[FlowRuns]()


def configure(config: pytest.Config) -> None:
    """Before junitxml and pytest-html read their paths (the plugin configures tryfirst)."""
    if is_worker(config):
        return
    enable_file_reports(config, ensure_report_dir(report_dir(config)))
    # Registered as a plugin: it sees every test report, the workers' ones under xdist too.
    flows = config.stash[FLOWS_KEY] = FlowRuns()
    config.pluginmanager.register(flows, "nexx-flow-runs")


# The flow of each scenario as a column of the HTML report; the JUnit XML carries it as the
# test's <property name="flow">.
@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_header(cells: list) -> None:
    cells.insert(2, "<th>Flow</th>")


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_row(report, cells: list) -> None:
    flow = dict(getattr(report, "user_properties", ())).get(c.FLOW_PROPERTY, "")
    cells.insert(2, f"<td>{html.escape(flow)}</td>")


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_summary(prefix: list, summary: list, postfix: list, session) -> None:
    # Called by pytest-html as the session finishes: the run summary holds every worker's
    # coverage by then, and the flows every scenario's reports.
    config = session.config
    log = summary_of(config).coverage
    coverage = log.summary() if log.operations else None
    flows = config.stash.get(FLOWS_KEY, FlowRuns())
    found = calibration_of(config)
    calibration = None
    if found is not None:
        # The overlay file is written as the run ends (its terminal summary), beside the report.
        given = getattr(config.option, "htmlpath", "")
        html_dir = Path(given).parent if given else report_dir(config)
        href = os.path.relpath(calibration_overlay(config), html_dir.resolve())
        calibration = (found[0], href, found[1])
    postfix.extend(report_sections(report_dir(config), coverage, flows.by_flow(), calibration))
