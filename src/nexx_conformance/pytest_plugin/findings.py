"""What a run found beside pass and fail, as report files and summary lines:

- guessed-rules.json: responses that broke only rules the contract guessed, where that is a
  warning (nexx_conformance.guessed_rules), listed apart from the failures;
- drift.json: everything the target answered beyond the contract, per operation
  (nexx_conformance.drift);
- calibration.overlay.yaml (--calibration-overlay): the contract change the drift and the
  guessed-rule warnings imply, as an OpenAPI Overlay (nexx_conformance.calibration), or a
  line saying there is nothing to calibrate;
- deviations.json: with a known-deviations file (--deviations, NEXX_DEVIATIONS), which
  entries turned failures into expected failures, which are stale, which expired
  (nexx_conformance.deviations); an expired entry fails the run (pytest_plugin.summary).
The counts come from the run summary, summed over the xdist workers.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nexx_conformance.calibration import Calibration, SecretInOverlay, counts, write
from nexx_conformance.contract import contract
from nexx_conformance.deviations import Baseline, DeviationsError, load
from nexx_conformance.drift import DriftLog
from nexx_conformance.evidence import book
from nexx_conformance.guessed_rules import GuessedWarnings
from nexx_conformance.pytest_plugin.options import deviations_file
from nexx_conformance.reporting import DEVIATIONS_FILE, DRIFT_FILE, GUESSED_FILE

SHOWN_WARNINGS = 20
SHOWN_UNCALIBRATED = 5
BASELINE_KEY = pytest.StashKey[Baseline]()
# The run's calibration, built once (the HTML report and the terminal both show it):
# (the overlay or None, the findings no action calibrates).
CALIBRATION_KEY = pytest.StashKey[tuple]()


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
    # Each rule met once a line, with how many answers met it and the first test that did.
    met: dict[tuple, list] = {}
    for warning in warnings.items:
        for rule, reason in warning.rules:
            seen = met.setdefault((warning.operation, warning.status, rule, reason), [0, ""])
            seen[0] += 1
            seen[1] = seen[1] or warning.test
    terminalreporter.write_line(
        f"{len(warnings.items)} responses broke only rules the contract guessed "
        f"(contracts/evidence.yaml), {len(met)} rules in all; --guessed-rules=fail makes "
        "them failures"
    )
    for (operation, status, rule, reason), (answers, test) in list(met.items())[:SHOWN_WARNINGS]:
        first = f", first in {test}" if test else ""
        terminalreporter.write_line(
            f"  {operation} {status}: {rule} (guessed: {reason}) [{answers} answers{first}]"
        )
    if len(met) > SHOWN_WARNINGS:
        terminalreporter.write_line(f"  ... and {len(met) - SHOWN_WARNINGS} more rules")
    terminalreporter.write_line(f"written to {path}")


def calibration_of(
    config: pytest.Config, log: DriftLog, guessed: GuessedWarnings, target: str
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]] | None:
    """The overlay the run's drift and guessed-rule warnings imply, and the findings left
    to a person; None when no answer of the target was seen. Built once per run."""
    if not log.answers and not guessed.items:
        return None
    if CALIBRATION_KEY not in config.stash:
        try:
            calibration = Calibration(contract().document, book(), target, datetime.now(UTC))
            calibration.add_warnings(guessed.as_data())
            calibration.add_drift(log.summary())
            config.stash[CALIBRATION_KEY] = (calibration.overlay(), calibration.uncalibrated)
        # The calibration must never cost the run its verdict; a defect of it is a warning.
        except Exception as error:  # noqa: BLE001
            warnings.warn(
                pytest.PytestWarning(f"nexx calibration: no overlay ({error!r})"), stacklevel=2
            )
            config.stash[CALIBRATION_KEY] = (None, [])
    return config.stash[CALIBRATION_KEY]


def write_calibration(
    terminalreporter, found: tuple[dict[str, Any] | None, list[dict[str, Any]]] | None, path: Path
) -> None:
    """The overlay written to `path` and one line saying how many actions, or that there is
    nothing to calibrate (an overlay a previous run left there is removed)."""
    if found is None:
        return
    overlay, uncalibrated = found
    if overlay is None:
        removed = path.is_file()
        if removed:
            path.unlink()
        terminalreporter.write_line(
            "nexx calibration: nothing to calibrate"
            + (f" ({path} of a previous run removed)" if removed else "")
            + (f"; {len(uncalibrated)} findings need a person:" if uncalibrated else "")
        )
    else:
        try:
            write(overlay, path)
        except SecretInOverlay as error:
            terminalreporter.write_line(f"nexx calibration: {error}", red=True)
            return
        actions, findings = counts(overlay)
        terminalreporter.write_line(
            f"nexx calibration: {actions} actions for {findings} findings written to {path}; "
            f"review it, then scripts/calibrate-contract {path}"
            + (f"; {len(uncalibrated)} findings need a person:" if uncalibrated else "")
        )
    for item in uncalibrated[:SHOWN_UNCALIBRATED]:
        terminalreporter.write_line(
            f"  not calibrated: {item['operation']} {item['finding']}: {item['why']}"
        )
    if len(uncalibrated) > SHOWN_UNCALIBRATED:
        rest = len(uncalibrated) - SHOWN_UNCALIBRATED
        where = "in the overlay's info" if overlay is not None else "not listed"
        terminalreporter.write_line(f"  ... and {rest} more ({where})")
