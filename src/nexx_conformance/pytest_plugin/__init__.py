"""The nexx conformance suite as one pytest plugin (entry point `nexx`).

Its parts, one job each:
- options: every option in one group, with its environment variable and priority;
- run: the target of the run (nexx_conformance.targets) started and stopped, the run id;
- selection: markers, --flow, the quick pass first, the skips the configuration asks for;
- destructive: the `destructive` marker's skip, and the guard that fails an unmarked test
  calling an operation the contract marks x-nexx-destructive;
- replay: cassettes matched and audited, their tally;
- deferred_cases: schemathesis' explicit cases built before each test runs, not at collection;
- summary: one summary per process (coverage, cassettes, drift, guessed rules, deviations,
  users left), handed over xdist once, the few lines a run ends with, the exit status;
- findings: known deviations as expected failures; the drift, guessed-rule and deviation
  reports, the calibration overlay; users_left: the users-left line;
- html_report: JUnit XML and the HTML report with our sections;
- collection_gc: the garbage collector paused while pytest collects;
- fixtures/: the fixtures, one topic per module.
"""

from __future__ import annotations

import pytest

from nexx_conformance.patches import (
    auth_warnings_alone,
    ecma_response_patterns,
    pin_gapped_repeats,
    rate_limit_only_when_set,
    without_source_constants,
)

# collection_gc first: it pauses the garbage collector as the plugin loads.
from nexx_conformance.pytest_plugin import (
    collection_gc,  # noqa: F401
    destructive,
    findings,
    html_report,
    run,
    selection,
    summary,
)

pytest_plugins = [
    "nexx_conformance.pytest_plugin.collection_gc",
    "nexx_conformance.pytest_plugin.options",
    "nexx_conformance.pytest_plugin.run",
    "nexx_conformance.pytest_plugin.selection",
    "nexx_conformance.pytest_plugin.destructive",
    "nexx_conformance.pytest_plugin.replay",
    "nexx_conformance.pytest_plugin.deferred_cases",
    "nexx_conformance.pytest_plugin.summary",
    "nexx_conformance.pytest_plugin.findings",
    "nexx_conformance.pytest_plugin.html_report",
    "nexx_conformance.pytest_plugin.fixtures.configuration",
    "nexx_conformance.pytest_plugin.fixtures.sessions",
    "nexx_conformance.pytest_plugin.fixtures.channels",
    "nexx_conformance.pytest_plugin.fixtures.users",
    "nexx_conformance.pytest_plugin.fixtures.authenticators",
    "nexx_conformance.pytest_plugin.fixtures.cassettes",
    "nexx_conformance.pytest_plugin.fixtures.story",
    "nexx_conformance.pytest_plugin.fixtures.steps",
    "nexx_conformance.pytest_plugin.fixtures.findings",
]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # One place, in order: the target first (everything reads it), the deviations before the
    # summary that counts them; tryfirst so that junitxml and pytest-html read the report
    # paths html_report sets.
    run.configure(config)
    without_source_constants()
    pin_gapped_repeats()
    auth_warnings_alone()
    rate_limit_only_when_set()
    ecma_response_patterns()
    selection.configure(config)
    destructive.configure(config)
    findings.configure(config)
    summary.configure(config)
    html_report.configure(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    summary.unconfigure(config)
    run.unconfigure(config)
