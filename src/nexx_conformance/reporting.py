"""Where a run's reports go (JUnit XML, self-contained HTML) and how a failed request is shown."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from nexx_conformance import constants as c
from nexx_conformance import html_sections as sections
from nexx_conformance.constants import MASK
from nexx_conformance.envelope import MASKED_HEADERS, mask_form
from nexx_conformance.flow_runs import ScenarioRun

DEFAULT_REPORT_DIR = "reports"
JUNIT_FILE = "junit.xml"
HTML_FILE = "report.html"
COVERAGE_FILE = "contract-coverage.json"
GUESSED_FILE = "guessed-rules.json"
DEVIATIONS_FILE = "deviations.json"
# The HTML report shows these when present: the drift report of this run or another, and
# the kill matrix scripts/kill_matrix.py writes.
KILL_MATRIX_FILE = "kill-matrix.json"
DRIFT_FILE = "drift.json"
# Headers a reader needs to replay the call; the rest (User-Agent, Content-Length, ...) is noise.
SHOWN_HEADERS = ("content-type", "accept") + MASKED_HEADERS


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


def masked_curl(request: Any) -> str:
    """A curl line for a `requests.PreparedRequest`, session id, signature and passwords masked."""
    parts = ["curl", "-X", str(request.method)]
    for name, value in (request.headers or {}).items():
        lowered = name.lower()
        if lowered not in SHOWN_HEADERS:
            continue
        parts += ["-H", f"{name}: {MASK if lowered in MASKED_HEADERS else value}"]
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if body:
        parts += ["--data", mask_form(body) if _is_form(request) else body]
    parts.append(_masked_url(str(request.url)))
    return " ".join(shlex.quote(part) for part in parts)


def _is_form(request: Any) -> bool:
    content_type = (request.headers or {}).get("Content-Type", "")
    return "x-www-form-urlencoded" in content_type


def _masked_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=mask_form(parts.query)))
