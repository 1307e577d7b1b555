"""pytest plugin: the run's reports and the contract coverage report."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

from nexx_conformance import constants as c
from nexx_conformance.contract_check import contract_schema
from nexx_conformance.coverage import (
    CoverageLog,
    SendRecorder,
    declared_operations,
    terminal_lines,
    write_json,
)
from nexx_conformance.flow_runs import FlowRuns
from nexx_conformance.reporting import (
    DEFAULT_REPORT_DIR,
    REPORT_DIR_ENV,
    enable_file_reports,
    ensure_report_dir,
    report_dir,
    report_sections,
)

CONTRACT = Path("contracts") / "nexx-user.openapi.yaml"
COVERAGE_FILE = "contract-coverage.json"
COVERAGE_TABLE_ENV = "NEXX_COVERAGE_TABLE"
WORKER_OUTPUT_KEY = "nexx_contract_coverage"
LOG_KEY = pytest.StashKey[CoverageLog]()
RECORDER_KEY = pytest.StashKey[SendRecorder]()
FLOWS_KEY = pytest.StashKey[FlowRuns]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nexx", "nexx conformance suite")
    group.addoption(
        "--report-dir", dest="nexx_report_dir", metavar="DIR",
        help=f"where junit.xml, report.html and {COVERAGE_FILE} go "
             f"(default {DEFAULT_REPORT_DIR}/; env {REPORT_DIR_ENV}); write --report-dir=DIR: "
             "pytest takes a separate DIR for a test path when it looks for the rootdir")
    group.addoption(
        "--coverage-table", dest="nexx_coverage_table", action="store_const", const="yes",
        help="end the run with the contract coverage table (one row per operation) instead of "
             f"its one-line summary (env {COVERAGE_TABLE_ENV}=yes)")


def wants_coverage_table(config: pytest.Config) -> bool:
    """Priority: --coverage-table > NEXX_COVERAGE_TABLE (yes/no) > no (the one-line summary)."""
    given = config.getoption("nexx_coverage_table", None)
    raw = given if given is not None else os.environ.get(COVERAGE_TABLE_ENV, "")
    word = raw.strip().lower()
    if word in ("", *c.FALSE_WORDS):
        return False
    if word in c.TRUE_WORDS:
        return True
    raise pytest.UsageError(
        f"{COVERAGE_TABLE_ENV} must be one of {', '.join(c.TRUE_WORDS + c.FALSE_WORDS)}, not {raw!r}.")


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # tryfirst: junitxml and pytest-html read their paths in their own pytest_configure.
    if not is_worker(config):
        directory = ensure_report_dir(report_dir(config))
        enable_file_reports(config, directory)
        wants_coverage_table(config)  # a bad NEXX_COVERAGE_TABLE stops the run before it starts
        # Registered as a plugin: it sees every test report, the workers' ones under xdist too.
        flows = config.stash[FLOWS_KEY] = FlowRuns()
        config.pluginmanager.register(flows, "nexx-flow-runs")
    log = CoverageLog(load_contract_operations(config), lambda: target_base_url(config))
    recorder = SendRecorder(log)
    recorder.install()
    config.stash[LOG_KEY] = log
    config.stash[RECORDER_KEY] = recorder


def target_base_url(config: pytest.Config) -> str | None:
    """The base URL of the running target, once the engine has started one."""
    from nexx_conformance.state import STATE_KEY

    state = config.stash.get(STATE_KEY, None)
    target = getattr(state, "target", None)
    return getattr(target, "base_url", None)


def load_contract_operations(config: pytest.Config) -> list:
    path = Path(config.rootpath) / CONTRACT
    if not path.is_file():
        return []
    try:
        # The same cached load the scenarios' contract check uses: one parse per run.
        return declared_operations(contract_schema(path.resolve()))
    # A broken contract is the contract tests' finding; here it only turns coverage off.
    except Exception as error:  # noqa: BLE001
        config.issue_config_time_warning(
            pytest.PytestWarning(f"contract coverage off: {CONTRACT} does not load ({error})"),
            stacklevel=2)
        return []


def pytest_unconfigure(config: pytest.Config) -> None:
    recorder = config.stash.get(RECORDER_KEY, None)
    if recorder is not None:
        recorder.uninstall()


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if is_worker(config) and LOG_KEY in config.stash:
        config.workeroutput[WORKER_OUTPUT_KEY] = config.stash[LOG_KEY].as_data()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    # xdist: each worker hands over its counts when it goes down; the controller adds them up.
    data = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if data and LOG_KEY in node.config.stash:
        node.config.stash[LOG_KEY].merge(data)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    log = config.stash.get(LOG_KEY, None)
    if log is None or is_worker(config) or not log.operations:
        return
    summary = log.summary()
    path = report_dir(config) / COVERAGE_FILE
    write_json(summary, path)
    # One line by default: a run's output ends with its verdict, not with 73 rows.
    table = wants_coverage_table(config)
    if table:
        terminalreporter.section("nexx contract coverage")
    for line in terminal_lines(summary, table=table):
        terminalreporter.write_line(line)
    if table:
        terminalreporter.write_line(f"written to {path}")


# The flow of each scenario as a column of the HTML report (pytest-html); the JUnit XML
# carries it as the test's <property name="flow">.
@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_header(cells: list) -> None:
    cells.insert(2, "<th>Flow</th>")


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_row(report, cells: list) -> None:
    flow = dict(getattr(report, "user_properties", ())).get(c.FLOW_PROPERTY, "")
    cells.insert(2, f"<td>{html.escape(flow)}</td>")


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_summary(prefix: list, summary: list, postfix: list, session) -> None:
    # Called by pytest-html as the session finishes: the coverage log holds every worker's
    # counts by then, and the flows every scenario's reports.
    config = session.config
    log = config.stash.get(LOG_KEY, None)
    coverage = log.summary() if log is not None and log.operations else None
    flows = config.stash.get(FLOWS_KEY, FlowRuns())
    postfix.extend(report_sections(report_dir(config), coverage, flows.by_flow()))
