"""The proof that a run left no test user behind: who is still stored on the bundled
reference server when the run ends, per process, summed over the xdist workers.

A pytest plugin (loaded by nexx_conformance.fixtures.users). Each process counts its own
server after the user cleanup and before the server stops (lifecycle.stop_run); an xdist
worker hands its figure to the controller through `workeroutput`, as the coverage log does.

Users left are shown as a warning, not turned into a failure: the verdict of a run is the
target's conformance, and a user left on the throwaway reference server is a fault of the
suite's cleanup. scripts/check-no-users-left is the gate that fails on it.
"""

from __future__ import annotations

import pytest

from nexx_conformance.state import STATE_KEY

WORKER_OUTPUT_KEY = "nexx_users_left"
# Per process: {"names": [...]} when counted, {"error": "..."} when counting failed.
REPORTS_KEY = pytest.StashKey[dict[str, dict]]()
MAX_NAMES_SHOWN = 20


def count(target) -> dict | None:
    """What `target` still stores, or None for a target that cannot tell (URL, replay)."""
    if target is None or target.users is None:
        return None
    try:
        return {"names": target.users()}
    except Exception as error:  # noqa: BLE001 - a failed count is reported, not raised
        return {"error": f"{type(error).__name__}: {error}"}


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
    if is_worker(session.config) and report is not None:
        session.config.workeroutput[WORKER_OUTPUT_KEY] = report
    return result


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    report = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if report is not None:
        node.config.stash.setdefault(REPORTS_KEY, {})[node.gateway.id] = report


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if is_worker(config):
        return
    reports = dict(config.stash.get(REPORTS_KEY, {}))
    own = own_report(config)
    if own is not None:
        reports[""] = own
    if not reports:
        return
    line, warn = summary_line(reports)
    terminalreporter.write_line(line, yellow=warn, bold=warn)
