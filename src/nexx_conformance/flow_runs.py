"""The scenarios of a run by flow: each test's outcome and named steps, for the HTML report.

Fed with the test reports the controller sees (`pytest_runtest_logreport`), so it works
the same with and without xdist: a scenario's flow and steps travel in its
`user_properties` (the `flow` marker and `pytest_plugin/fixtures/story.py` put them there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from nexx_conformance.constants import FAILED_STEP_PROPERTY, FLOW_PROPERTY, STEP_PROPERTY

# Enough of a failure or skip reason to tell what happened; the full text is in the
# test's row further down the report.
REASON_LENGTH = 240
# "nexx_conformance.pytest_plugin.fixtures.story.StepFailed: step 3 ..." reads better without the class.
EXCEPTION_PREFIX = re.compile(r"^(?:[\w.]+\.)?\w*(?:Error|Failed|Exception): ")


@dataclass
class ScenarioRun:
    """One scenario test: its outcome over setup, call and teardown, and its steps."""

    nodeid: str
    flow: str
    outcome: str = "passed"  # passed | failed | error | skipped
    steps: tuple[str, ...] = ()
    failed_step: int | None = None
    reason: str = ""
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.nodeid.rsplit("::", 1)[-1]


def properties(report: pytest.TestReport, name: str) -> list[str]:
    return [str(value) for key, value in getattr(report, "user_properties", ()) if key == name]


def reason_of(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # a skip: (path, line, reason)
        text = str(longrepr[2]).removeprefix("Skipped: ")
    else:
        crash = getattr(longrepr, "reprcrash", None)
        text = getattr(crash, "message", None) or str(longrepr or "")
    first = EXCEPTION_PREFIX.sub("", text.strip().splitlines()[0]) if text.strip() else ""
    return first if len(first) <= REASON_LENGTH else first[:REASON_LENGTH] + " ..."


class FlowRuns:
    """The scenario tests of a run, by flow, in the order they finished."""

    def __init__(self) -> None:
        self.runs: dict[str, ScenarioRun] = {}

    def add(self, report: pytest.TestReport) -> None:
        flows = properties(report, FLOW_PROPERTY)
        if not flows:
            return
        run = self.runs.setdefault(report.nodeid, ScenarioRun(report.nodeid, flows[0]))
        run.seconds += report.duration or 0.0
        steps = properties(report, STEP_PROPERTY)
        if len(steps) > len(run.steps):  # each phase's report carries the steps taken so far
            run.steps = tuple(steps)
        failed = properties(report, FAILED_STEP_PROPERTY)
        if failed:
            run.failed_step = int(failed[0])
        if report.failed and run.outcome not in ("failed", "error"):
            run.outcome = "failed" if report.when == "call" else "error"
            run.reason = reason_of(report)
        elif report.skipped and run.outcome == "passed":
            run.outcome = "skipped"
            run.reason = reason_of(report)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.add(report)

    def by_flow(self) -> dict[str, list[ScenarioRun]]:
        grouped: dict[str, list[ScenarioRun]] = {}
        for run in self.runs.values():
            grouped.setdefault(run.flow, []).append(run)
        return grouped
