"""pytest plugin: what a run found beside pass and fail, in reports/ and the terminal summary.

- guessed-rules.json: responses that broke only rules the contract guessed, where that is a
  warning (nexx_conformance.guessed_rules), listed apart from the failures.
Each xdist worker hands its findings to the controller, which writes the files once.
"""

from __future__ import annotations

import pytest

from nexx_conformance.guessed_rules import WARNINGS
from nexx_conformance.reporting import report_dir

GUESSED_FILE = "guessed-rules.json"
WORKER_KEY = "nexx_guessed_warnings"
SHOWN_WARNINGS = 20


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if is_worker(session.config):
        session.config.workeroutput[WORKER_KEY] = WARNINGS.as_data()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    WARNINGS.merge(getattr(node, "workeroutput", {}).get(WORKER_KEY, []))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if is_worker(config) or not WARNINGS.items:
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
