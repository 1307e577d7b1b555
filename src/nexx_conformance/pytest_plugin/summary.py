"""One summary per process of what the run saw beyond pass and fail: the contract coverage,
the cassettes' tally, the drift, the guessed-rule warnings, the known deviations used and
the users left on the bundled server.

An xdist worker hands its summary to the controller once, as it finishes (one
`workeroutput` key); the controller adds the summaries up, writes the report files, ends
the terminal output with a few lines and sets the exit status (a user left on the bundled
server or an expired deviation fails the run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nexx_conformance.coverage import (
    CoverageLog,
    SendRecorder,
    terminal_lines,
    write_json,
)
from nexx_conformance.deviations import Baseline
from nexx_conformance.drift import AnswerRecorder, DriftLog
from nexx_conformance.guessed_rules import GuessedWarnings
from nexx_conformance.pytest_plugin import findings, users_left
from nexx_conformance.pytest_plugin.options import (
    calibration_overlay,
    report_dir,
    wants_coverage_table,
)
from nexx_conformance.pytest_plugin.run import generation_lines, is_worker, run_of
from nexx_conformance.recording.replay_audit import Tally, stale_line
from nexx_conformance.recording.replay_audit import summary_line as cassettes_line
from nexx_conformance.reporting import COVERAGE_FILE

WORKER_OUTPUT = "nexx_run_summary"
THIS_PROCESS = ""


@dataclass
class RunSummary:
    """What one process saw; `merge` adds a worker's `as_data` to the controller's."""

    coverage: CoverageLog
    drift: DriftLog
    guessed: GuessedWarnings
    tally: Tally | None = None  # None: no test ran with a cassette
    deviations: Baseline | None = None
    users_left: dict[str, dict] = field(default_factory=dict)  # by process, "" for this one

    def add_cassettes(self, tally: Tally) -> None:
        self.tally = self.tally or Tally()
        self.tally.add(tally)

    def as_data(self) -> dict:
        """This process's own part, JSON-able (xdist sends it through execnet)."""
        return {
            "coverage": self.coverage.as_data(),
            "drift": self.drift.as_data(),
            "guessed": self.guessed.as_data(),
            "tally": self.tally.as_dict() if self.tally is not None else None,
            "deviations_used": sorted(self.deviations.used) if self.deviations is not None else [],
            "users_left": self.users_left.get(THIS_PROCESS),
        }

    def merge(self, data: dict, process: str) -> None:
        self.coverage.merge(data["coverage"])
        self.drift.merge(data["drift"])
        self.guessed.merge(data["guessed"])
        if data["tally"] is not None:
            self.add_cassettes(Tally.from_dict(data["tally"]))
        if self.deviations is not None:
            self.deviations.used.update(data["deviations_used"])
        if data["users_left"] is not None:
            self.users_left[process] = data["users_left"]


SUMMARY_KEY = pytest.StashKey[RunSummary]()
RECORDERS_KEY = pytest.StashKey[list]()


def summary_of(config: pytest.Config) -> RunSummary:
    return config.stash[SUMMARY_KEY]


def configure(config: pytest.Config) -> None:
    """An empty summary, and the recorders that fill it from every request the run sends."""
    if not is_worker(config):
        wants_coverage_table(config)  # a bad NEXX_COVERAGE_TABLE stops the run before it starts

    def base_url() -> str | None:
        # Only calls to the target count: a selftest's loopback fake is not the API under test.
        return run_of(config).target.base_url or None

    # The run's contract is read when the first request is counted, for the coverage count
    # and the drift: a run that fails before (-x) or sends none does not wait for it.
    summary = RunSummary(
        CoverageLog(target_base_url=base_url),
        DriftLog(target_base_url=base_url),
        GuessedWarnings(),
        deviations=config.stash.get(findings.BASELINE_KEY, None),
    )
    recorders = [SendRecorder(summary.coverage), AnswerRecorder(summary.drift)]
    for recorder in recorders:
        recorder.install()
    config.stash[SUMMARY_KEY] = summary
    config.stash[RECORDERS_KEY] = recorders


def unconfigure(config: pytest.Config) -> None:
    for recorder in config.stash.get(RECORDERS_KEY, []):
        recorder.uninstall()


# trylast: the innermost wrapper, so that on an xdist worker the summary is in workeroutput
# before xdist's own wrapper sends it (the engine's plugins are registered after xdist's).
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_sessionfinish(session: pytest.Session):
    result = yield
    # After every other sessionfinish: the target is stopped and its users counted.
    config = session.config
    summary = summary_of(config)
    own = run_of(config).users_left
    if own is not None:
        summary.users_left[THIS_PROCESS] = own
    if is_worker(config):
        config.workeroutput[WORKER_OUTPUT] = summary.as_data()
        return result
    # The workers' summaries arrived before (pytest_testnodedown); pytest exits with
    # session.exitstatus as it stands after sessionfinish.
    session.exitstatus = users_left.exit_status(summary.users_left, session.exitstatus)
    if summary.deviations is not None and summary.deviations.expired():
        # Nothing is accepted forever: an entry past its date fails the run until it is
        # renewed (a new date and reason) or removed.
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    return result


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    # xdist controller: a worker that finished sent its summary along.
    data = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
    if data is not None:
        summary_of(node.config).merge(data, node.gateway.id)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """The few lines a run ends with (the verdict follows), and the report files."""
    if is_worker(config):
        return
    summary = summary_of(config)
    directory = report_dir(config)
    write_coverage(
        terminalreporter, summary.coverage, directory, table=wants_coverage_table(config)
    )
    record_mode = config.getoption("record_mode", None)
    if summary.tally is not None or record_mode == "none":
        tally = summary.tally or Tally()
        recording = record_mode not in (None, "none")
        terminalreporter.write_line(cassettes_line(tally, recording=recording))
        stale = None if recording else stale_line(tally)
        if stale:
            terminalreporter.write_line(stale)
    findings.write_drift(terminalreporter, summary.drift, directory)
    findings.write_guessed_warnings(terminalreporter, summary.guessed, directory)
    findings.write_calibration(
        terminalreporter, calibration_of(config), calibration_overlay(config)
    )
    findings.write_deviations(terminalreporter, summary.deviations, directory)
    users_left.write_lines(terminalreporter, summary.users_left)
    for line in generation_lines(config, exitstatus):
        terminalreporter.write_line(line)


def calibration_of(config: pytest.Config):
    """The run's calibration (pytest_plugin.findings.calibration_of) from its summary."""
    summary = summary_of(config)
    target = run_of(config).target.base_url or ""
    return findings.calibration_of(config, summary.drift, summary.guessed, target)


def write_coverage(terminalreporter, log: CoverageLog, directory: Path, *, table: bool) -> None:
    if not log.operations:
        return
    coverage = log.summary()
    path = directory / COVERAGE_FILE
    write_json(coverage, path)
    # One line by default: a run's output ends with its verdict, not with 73 rows.
    if table:
        terminalreporter.section("nexx contract coverage")
    for line in terminal_lines(coverage, table=table):
        terminalreporter.write_line(line)
    if table:
        terminalreporter.write_line(f"written to {path}")
