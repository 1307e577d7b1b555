"""Where a run's reports go (JUnit XML, self-contained HTML) and which sections they show."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from nexx_conformance import constants as c
from nexx_conformance import html_sections as sections
from nexx_conformance.flow_runs import ScenarioRun

REPORT_DIR_ENV = "NEXX_REPORT_DIR"
DEFAULT_REPORT_DIR = "reports"
JUNIT_FILE = "junit.xml"
HTML_FILE = "report.html"
# Written by other tools into the report directory; the HTML report shows them when present.
KILL_MATRIX_FILE = "kill-matrix.json"
DRIFT_FILE = "drift.json"


class ReportDirError(pytest.UsageError):
    """The report directory cannot be created or written."""


def report_dir(config: pytest.Config) -> Path:
    """The report directory: --report-dir > NEXX_REPORT_DIR > reports/ (below the rootdir)."""
    given = config.getoption("nexx_report_dir", default=None) or os.environ.get(REPORT_DIR_ENV)
    path = Path(given or DEFAULT_REPORT_DIR)
    if not path.is_absolute():
        path = Path(config.rootpath) / path
    return path


def ensure_report_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportDirError(
            f"--report-dir {path} cannot be created ({error.strerror}); give a writable "
            f"directory with --report-dir or {REPORT_DIR_ENV}."
        ) from None
    if not os.access(path, os.W_OK):
        raise ReportDirError(f"--report-dir {path} is not writable; give another one.")
    return path


def enable_file_reports(config: pytest.Config, directory: Path) -> None:
    """Ask pytest's junitxml and pytest-html for their files, unless the user named others."""
    # Priority: an explicit --junitxml / --html wins over the report directory.
    if not getattr(config.option, "xmlpath", None):
        config.option.xmlpath = str(directory / JUNIT_FILE)
    if hasattr(config.option, "htmlpath") and not config.option.htmlpath:
        config.option.htmlpath = str(directory / HTML_FILE)
        # One file a reviewer can mail around: styles and scripts inlined.
        config.option.self_contained_html = True


def report_sections(directory: Path, coverage: Mapping[str, Any] | None,
                    flows: Mapping[str, Sequence[ScenarioRun]]) -> list[str]:
    """The HTML report's own sections: coverage grid, flows, kill matrix, drift (if present)."""
    found = [sections.coverage_grid(coverage) if coverage else "",
             sections.flows_section(flows, c.FLOWS)]
    for name, render in ((KILL_MATRIX_FILE, sections.kill_matrix_section),
                         (DRIFT_FILE, lambda data, source: sections.json_section(
                             "drift", "Drift report", data, source))):
        path = directory / name
        if path.is_file():
            try:
                found.append(render(json.loads(path.read_text(encoding="utf-8")), name))
            except (OSError, ValueError) as error:  # a half-written file must not lose the report
                found.append(sections.section(path.stem, name, f"<p>cannot be read: "
                                              f"{sections.escape(str(error))}</p>"))
    shown = [part for part in found if part]
    return [sections.STYLE, *shown] if shown else []

