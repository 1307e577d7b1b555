"""pytest plugin: what a run found beside pass and fail, in reports/ and the terminal summary.

- guessed-rules.json: responses that broke only rules the contract guessed, where that is a
  warning (nexx_conformance.guessed_rules), listed apart from the failures;
- drift.json: everything the target answered beyond the contract, per operation
  (nexx_conformance.drift);
- deviations.json: with a known-deviations file (--deviations, NEXX_DEVIATIONS), which
  entries turned failures into expected failures, which are stale, which expired
  (nexx_conformance.deviations); an expired entry fails the run.
Each xdist worker hands its findings to the controller, which writes the files once.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nexx_conformance import constants as c
from nexx_conformance.deviations import Baseline, DeviationsError, load
from nexx_conformance.drift import AnswerRecorder, DriftLog
from nexx_conformance.guessed_rules import WARNINGS
from nexx_conformance.reporting import report_dir

GUESSED_FILE = "guessed-rules.json"
DRIFT_FILE = "drift.json"
WORKER_KEY = "nexx_guessed_warnings"
DRIFT_WORKER_KEY = "nexx_drift"
SHOWN_WARNINGS = 20
DRIFT_KEY = pytest.StashKey[DriftLog]()
DRIFT_RECORDER_KEY = pytest.StashKey[AnswerRecorder]()
DEVIATIONS_FILE = "deviations.json"
DEVIATIONS_WORKER_KEY = "nexx_deviations_used"
BASELINE_KEY = pytest.StashKey[Baseline]()


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    from nexx_conformance.conformance_plugin import target_base_url

    log = DriftLog(target_base_url=lambda: target_base_url(config))
    recorder = AnswerRecorder(log)
    recorder.install()
    config.stash[DRIFT_KEY] = log
    config.stash[DRIFT_RECORDER_KEY] = recorder
    # Priority: command line > environment variable (no file: no baseline).
    given = config.getoption("nexx_deviations", None) or os.environ.get(c.ENV["deviations"])
    if given:
        try:
            config.stash[BASELINE_KEY] = Baseline(load(Path(given)))
        except DeviationsError as error:
            raise pytest.UsageError(str(error)) from None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    baseline = item.config.stash.get(BASELINE_KEY, None)
    if baseline is None or not report.failed or report.when != "call":
        return
    entry = baseline.match(item.nodeid, report.longreprtext)
    if entry is not None:
        # pytest's own form of an expected failure: reported as xfailed with the reason.
        report.outcome = "skipped"
        report.wasxfail = f"known deviation {entry.label()}: {entry.reason}"


def pytest_unconfigure(config: pytest.Config) -> None:
    recorder = config.stash.get(DRIFT_RECORDER_KEY, None)
    if recorder is not None:
        recorder.uninstall()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if is_worker(session.config):
        session.config.workeroutput[WORKER_KEY] = WARNINGS.as_data()
        session.config.workeroutput[DRIFT_WORKER_KEY] = session.config.stash[DRIFT_KEY].as_data()
        if BASELINE_KEY in session.config.stash:
            session.config.workeroutput[DEVIATIONS_WORKER_KEY] = sorted(session.config.stash[BASELINE_KEY].used)
        return
    baseline = session.config.stash.get(BASELINE_KEY, None)
    if baseline is not None and baseline.expired():
        # Nothing is accepted forever: an entry past its date fails the run until it is
        # renewed (a new date and reason) or removed.
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    output = getattr(node, "workeroutput", {})
    WARNINGS.merge(output.get(WORKER_KEY, []))
    if DRIFT_WORKER_KEY in output:
        node.config.stash[DRIFT_KEY].merge(output[DRIFT_WORKER_KEY])
    if BASELINE_KEY in node.config.stash:
        node.config.stash[BASELINE_KEY].used.update(output.get(DEVIATIONS_WORKER_KEY, []))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if is_worker(config):
        return
    report_drift(terminalreporter, config)
    report_guessed_warnings(terminalreporter, config)
    report_deviations(terminalreporter, config)


def report_deviations(terminalreporter, config: pytest.Config) -> None:
    baseline = config.stash.get(BASELINE_KEY, None)
    if baseline is None:
        return
    path = report_dir(config) / DEVIATIONS_FILE
    baseline.write(path)
    summary = baseline.summary()
    terminalreporter.section("nexx known deviations")
    terminalreporter.write_line(
        f"{len(summary['matched'])} of {len(baseline.entries)} entries turned failures into expected "
        f"failures; {len(summary['stale'])} stale, {len(summary['expired'])} expired")
    for entry in baseline.stale():
        terminalreporter.write_line(f"  stale (matched no failure; remove it?): {entry.label()}")
    for entry in baseline.expired():
        terminalreporter.write_line(f"  EXPIRED, fails the run: {entry.label()}: {entry.reason}", red=True)
    terminalreporter.write_line(f"written to {path}")


def report_drift(terminalreporter, config: pytest.Config) -> None:
    log = config.stash.get(DRIFT_KEY, None)
    if log is None or not log.answers:
        return  # no answer of the target: no report to stand for it
    path = report_dir(config) / DRIFT_FILE
    totals = log.write(path)["totals"]
    terminalreporter.section("nexx drift: answers beyond the contract")
    terminalreporter.write_line(
        f"{totals['operations_with_drift']} operations answered beyond the contract: "
        f"{totals['undocumented_fields']} undocumented fields, {totals['undocumented_statuses']} "
        f"undocumented statuses, {totals['undocumented_content_types']} undocumented content types "
        f"(in {totals['answers']} answers); written to {path}")


def report_guessed_warnings(terminalreporter, config: pytest.Config) -> None:
    if not WARNINGS.items:
        return
    path = report_dir(config) / GUESSED_FILE
    WARNINGS.write(path)
    terminalreporter.section("nexx guessed rules: warnings, not failures")
    terminalreporter.write_line(
        f"{len(WARNINGS.items)} responses broke only constraints the contract guessed "
        "(x-nexx-guessed); --guessed-rules=fail makes them failures")
    for warning in WARNINGS.items[:SHOWN_WARNINGS]:
        terminalreporter.write_line(f"  {warning.line()}")
    terminalreporter.write_line(f"written to {path}")
