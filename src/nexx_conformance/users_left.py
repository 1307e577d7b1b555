"""The proof that a run left no test user behind: who is still stored on the bundled
reference server when the run ends, per process, summed over the xdist workers.

A pytest plugin (loaded by nexx_conformance.fixtures.users). Each process counts its own
server after the user cleanup and before the server stops (lifecycle.stop_run); an xdist
worker hands its figure to the controller through `workeroutput`, as the coverage log does.

A user left on the bundled server fails the run (exit status 1, with a line saying so):
the cleanup reaches every user a test made, second factors included, so one left behind
is a fault of the suite that a green run must not hide. Only the bundled server can be
counted, so URL and replay targets are unaffected; a count that failed is a warning.
scripts/check-no-users-left is the same gate for a reference server run as a process.
"""

from __future__ import annotations

import pytest

from nexx_conformance.state import STATE_KEY

WORKER_OUTPUT_KEY = "nexx_users_left"
# Per process: {"names": [...]} when counted, {"error": "..."} when counting failed.
REPORTS_KEY = pytest.StashKey[dict[str, dict]]()
MAX_NAMES_SHOWN = 20


def summary_line(reports: dict[str, dict]) -> tuple[str, bool]:
    """The terminal line for the reports by process, and whether it is a warning."""
    names = [name for report in reports.values() for name in report.get("names", [])]
    failed = [f"{process or 'this process'}: {report['error']}"
              for process, report in reports.items() if "error" in report]
    line = f"nexx: users left on the reference server: {len(names)}"
    if len(reports) > 1 or any(reports):
        line += " (" + ", ".join(f"{process}: {figure(report)}"
                                 for process, report in sorted(reports.items())) + ")"
    if names:
        shown = ", ".join(names[:MAX_NAMES_SHOWN])
        more = f" and {len(names) - MAX_NAMES_SHOWN} more" if len(names) > MAX_NAMES_SHOWN else ""
        line += f" - not removed by the cleanup: {shown}{more}"
    if failed:
        line += " - not counted: " + "; ".join(failed)
    return line, bool(names or failed)


def users_in(reports: dict[str, dict]) -> int:
    return sum(len(report.get("names", [])) for report in reports.values())


def exit_status(reports: dict[str, dict], status: int) -> int:
    """The run's exit status: a passing run that left users on the bundled server fails."""
    if users_in(reports) and status == pytest.ExitCode.OK:
        return pytest.ExitCode.TESTS_FAILED
    return status


def failure_line(reports: dict[str, dict]) -> str:
    left = users_in(reports)
    return (f"nexx: the run fails: the cleanup left {left} test user{'s' if left != 1 else ''} "
            "on the reference server (named above); every user a test makes must be removed")


def all_reports(config: pytest.Config) -> dict[str, dict]:
    """The reports of the workers and of this process, by process ("" for this one)."""
    reports = dict(config.stash.get(REPORTS_KEY, {}))
    own = own_report(config)
    if own is not None:
        reports[""] = own
    return reports


def figure(report: dict) -> str:
    return str(len(report["names"])) if "names" in report else "not counted"


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def own_report(config: pytest.Config) -> dict | None:
    state = config.stash.get(STATE_KEY, None)
    return getattr(state, "users_left", None)


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session: pytest.Session):
    result = yield
    # After every sessionfinish implementation, so after the engine's stop_run counted.
    report = own_report(session.config)
    if is_worker(session.config):
        if report is not None:
            session.config.workeroutput[WORKER_OUTPUT_KEY] = report
    else:
        # The workers' reports arrived before (pytest_testnodedown); pytest exits with
        # session.exitstatus as it stands after sessionfinish.
        session.exitstatus = exit_status(all_reports(session.config), session.exitstatus)
    return result


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    report = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if report is not None:
        node.config.stash.setdefault(REPORTS_KEY, {})[node.gateway.id] = report


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if is_worker(config):
        return
    reports = all_reports(config)
    if not reports:
        return
    line, warn = summary_line(reports)
    terminalreporter.write_line(line, yellow=warn, bold=warn)
    if users_in(reports):
        terminalreporter.write_line(failure_line(reports), red=True, bold=True)
