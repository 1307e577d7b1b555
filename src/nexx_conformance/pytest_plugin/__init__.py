"""The nexx conformance suite as one pytest plugin (entry point `nexx`).

Loaded by every pytest run in the environment, it registers its options (options), its
markers and its fixtures (fixtures/) and nothing else; the engine switches on only for a
run that collects nexx tests or names a target (engine). The engine's parts, one job each:
- run: the target of the run (nexx_conformance.targets) started and stopped, the run id,
  the contract's bundle refused when stale as the nexx tests are collected;
- selection: --flow, the quick pass first, the skips the configuration asks for;
- destructive: the `destructive` marker's skip, and the guard that fails an unmarked test
  calling an operation the contract marks x-nexx-destructive;
- replay: cassettes matched and audited, their tally; fixtures.cassettes: their settings;
- deferred_cases: schemathesis' explicit cases built before each test runs, not at collection;
- summary: one summary per process (coverage, cassettes, drift, guessed rules, deviations,
  users left), handed over xdist once, the few lines a run ends with, the exit status;
- findings: known deviations as expected failures; the drift, guessed-rule and deviation
  reports, the calibration overlay; users_left: the users-left line;
- html_report: JUnit XML and the HTML report with our sections;
- collection_gc: the garbage collector paused while pytest collects;
and the library patches (nexx_conformance.patches), each checked before it is installed.
"""

from __future__ import annotations

import pytest

from nexx_conformance import constants as c
from nexx_conformance.pytest_plugin import engine

pytest_plugins = [
    "nexx_conformance.pytest_plugin.options",
    "nexx_conformance.pytest_plugin.engine",
    "nexx_conformance.pytest_plugin.fixtures.configuration",
    "nexx_conformance.pytest_plugin.fixtures.sessions",
    "nexx_conformance.pytest_plugin.fixtures.channels",
    "nexx_conformance.pytest_plugin.fixtures.users",
    "nexx_conformance.pytest_plugin.fixtures.authenticators",
    "nexx_conformance.pytest_plugin.fixtures.story",
    "nexx_conformance.pytest_plugin.fixtures.steps",
    "nexx_conformance.pytest_plugin.fixtures.findings",
]

MARKERS = (
    (
        "quick: part of the quick pass (each operation's examples, each flow's main path), "
        "run before the deep generation"
    ),
    f"flow(id): the User endpoint flow a scenario covers (one of {', '.join(c.FLOWS)})",
    "eternal: needs the eternal (backend) session",
    "conformance: a property-based test of the contract's operations",
    "scenario: a hand-written flow test (set by tests/scenarios/conftest.py)",
    (
        "destructive: changes shared state on a live target (calls an operation the contract "
        "marks x-nexx-destructive); runs only with --allow-destructive "
        f"({c.ENV['allow_destructive']}={c.YES}), the default on reference and replay"
    ),
)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    why = engine.reason(config)
    if why is None:
        return
    engine.switch_on(config, why)
    # One place, in order: the target first (everything reads it), the patches, the
    # deviations before the summary that counts them; tryfirst so that junitxml and
    # pytest-html read the report paths html_report sets.
    from nexx_conformance import patches
    from nexx_conformance.pytest_plugin import findings, html_report, run, selection, summary

    run.configure(config)
    patches.install_for_the_suite(quiet=run.is_worker(config))
    selection.configure(config)
    findings.configure(config)
    summary.configure(config)
    html_report.configure(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    if not engine.is_on(config):
        return
    from nexx_conformance.pytest_plugin import run, summary

    summary.unconfigure(config)
    run.unconfigure(config)
