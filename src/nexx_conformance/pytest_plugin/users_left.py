"""The end-of-run line of users left on the bundled reference server, summed over the
xdist workers, and the exit status it gives.

A user left on the bundled server fails the run (exit status 1, with a line saying so):
the cleanup reaches every user a test made, second factors included, so one left behind
is a fault of the suite that a green run must not hide. Only the bundled server can be
counted, so URL and replay targets are unaffected; a count that failed is a warning.
scripts/check-no-users-left is the same gate for a reference server run as a process.

`reports` below are by process ("" for this one, else the xdist worker id): {"names": [...]}
when counted, {"error": "..."} when counting failed.
"""

from __future__ import annotations

import pytest

MAX_NAMES_SHOWN = 20


def summary_line(reports: dict[str, dict]) -> tuple[str, bool]:
    """The terminal line for the reports by process, and whether it is a warning."""
    names = [name for report in reports.values() for name in report.get("names", [])]
    failed = [
        f"{process or 'this process'}: {report['error']}"
        for process, report in reports.items()
        if "error" in report
    ]
    line = f"nexx: users left on the reference server: {len(names)}"
    if len(reports) > 1 or any(reports):
        line += (
            " ("
            + ", ".join(
                f"{process}: {figure(report)}" for process, report in sorted(reports.items())
            )
            + ")"
        )
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
    return (
        f"nexx: the run fails: the cleanup left {left} test user{'s' if left != 1 else ''} "
        "on the reference server (named above); every user a test makes must be removed"
    )


def figure(report: dict) -> str:
    return str(len(report["names"])) if "names" in report else "not counted"


def write_lines(terminalreporter, reports: dict[str, dict]) -> None:
    """The users-left line (a warning when any is left or uncounted) and, if any is left, why
    the run fails."""
    if not reports:
        return
    line, warn = summary_line(reports)
    terminalreporter.write_line(line, yellow=warn, bold=warn)
    if users_in(reports):
        terminalreporter.write_line(failure_line(reports), red=True, bold=True)
