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

DEFAULT_REPORT_DIR = c.DEFAULT_REPORT_DIR
JUNIT_FILE = "junit.xml"
HTML_FILE = "report.html"
COVERAGE_FILE = c.COVERAGE_FILE
GUESSED_FILE = "guessed-rules.json"
DEVIATIONS_FILE = "deviations.json"
# The HTML report shows these when present: the drift report of this run or another, and
# the kill matrix scripts/kill_matrix.py writes.
KILL_MATRIX_FILE = "kill-matrix.json"
DRIFT_FILE = "drift.json"
# The contract change the run implies (nexx_conformance.calibration), by default here.
CALIBRATION_FILE = c.CALIBRATION_FILE


class ReportDirError(pytest.UsageError):
    """The report directory cannot be created or written."""


def ensure_report_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportDirError(
            f"--report-dir {path} cannot be created ({error.strerror}); give a writable "
            f"directory with --report-dir or {c.ENV['report_dir']}."
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


def report_sections(
    directory: Path,
    coverage: Mapping[str, Any] | None,
    flows: Mapping[str, Sequence[ScenarioRun]],
    calibration: tuple[Mapping[str, Any] | None, str, Sequence[Mapping[str, Any]]] | None = None,
) -> list[str]:
    """The HTML report's own sections: coverage grid, flows, the calibration overlay (its
    document or None, the link to its file, the findings it leaves to a person), kill
    matrix, drift (if present)."""
    found = [
        sections.coverage_grid(coverage) if coverage else "",
        sections.flows_section(flows, c.FLOWS),
        sections.calibration_section(*calibration) if calibration else "",
    ]
    for name, render in (
        (KILL_MATRIX_FILE, sections.kill_matrix_section),
        (
            DRIFT_FILE,
            lambda data, source: sections.json_section("drift", "Drift report", data, source),
        ),
    ):
        path = directory / name
        if path.is_file():
            try:
                found.append(render(json.loads(path.read_text(encoding="utf-8")), name))
            except (OSError, ValueError) as error:  # a half-written file must not lose the report
                found.append(
                    sections.section(
                        path.stem, name, f"<p>cannot be read: {sections.escape(str(error))}</p>"
                    )
                )
    shown = [part for part in found if part]
    return [sections.STYLE, *shown] if shown else []
