"""What a run found beside pass and fail, as report files and summary lines:

- guessed-rules.json: responses that broke only rules the contract guessed, where that is a
  warning (nexx_conformance.guessed_rules), listed apart from the failures;
- drift.json: everything the target answered beyond the contract, per operation
  (nexx_conformance.drift);
- deviations.json: with a known-deviations file (--deviations, NEXX_DEVIATIONS), which
  entries turned failures into expected failures, which are stale, which expired
  (nexx_conformance.deviations); an expired entry fails the run (pytest_plugin.summary).
The counts come from the run summary, summed over the xdist workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nexx_conformance.deviations import Baseline, DeviationsError, load
from nexx_conformance.drift import DriftLog
from nexx_conformance.guessed_rules import GuessedWarnings
from nexx_conformance.pytest_plugin.options import deviations_file
from nexx_conformance.reporting import DEVIATIONS_FILE, DRIFT_FILE, GUESSED_FILE

SHOWN_WARNINGS = 20
BASELINE_KEY = pytest.StashKey[Baseline]()


def configure(config: pytest.Config) -> None:
    """The known deviations the deviations file names (none without one)."""
    path = deviations_file(config)
    if path is None:
        return
    try:
        config.stash[BASELINE_KEY] = Baseline(load(path))
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


def write_deviations(terminalreporter, baseline: Baseline | None, directory: Path) -> None:
    if baseline is None:
        return
    path = directory / DEVIATIONS_FILE
    baseline.write(path)
    summary = baseline.summary()
    terminalreporter.section("nexx known deviations")
    terminalreporter.write_line(
        f"{len(summary['matched'])} of {len(baseline.entries)} entries turned failures into expected "
        f"failures; {len(summary['stale'])} stale, {len(summary['expired'])} expired"
    )
    for entry in baseline.stale():
        terminalreporter.write_line(f"  stale (matched no failure; remove it?): {entry.label()}")
    for entry in baseline.expired():
        terminalreporter.write_line(
            f"  EXPIRED, fails the run: {entry.label()}: {entry.reason}", red=True
        )
    terminalreporter.write_line(f"written to {path}")


def write_drift(terminalreporter, log: DriftLog, directory: Path) -> None:
    if not log.answers:
        return  # no answer of the target: no report to stand for it
    path = directory / DRIFT_FILE
    totals = log.write(path)["totals"]
    terminalreporter.write_line(
        f"nexx drift: {totals['operations_with_drift']} operations answered beyond the contract: "
        f"{totals['undocumented_fields']} undocumented fields, {totals['undocumented_statuses']} "
        f"undocumented statuses, {totals['undocumented_content_types']} undocumented content types "
        f"(in {totals['answers']} answers); written to {path}"
    )


def write_guessed_warnings(terminalreporter, warnings: GuessedWarnings, directory: Path) -> None:
    if not warnings.items:
        return
    path = directory / GUESSED_FILE
    warnings.write(path)
    terminalreporter.section("nexx guessed rules: warnings, not failures")
    terminalreporter.write_line(
        f"{len(warnings.items)} responses broke only constraints the contract guessed "
        "(contracts/evidence.yaml); --guessed-rules=fail makes them failures"
    )
    for warning in warnings.items[:SHOWN_WARNINGS]:
        terminalreporter.write_line(f"  {warning.line()}")
    terminalreporter.write_line(f"written to {path}")
