"""The kill matrix: what the suite and the schemathesis CLI alone caught of the fault
catalogue, and whether either raised a false alarm on a benign variant.

scripts/kill_matrix.py runs the targets and writes reports/kill-matrix.json; this module
names a run's first failure (`failure_title`), reads that JSON, sums it up and renders it. `render_table(matrix)` is an HTML fragment
another report can embed; `render_page(matrix)` is the self-contained page.

JSON shape: {"columns": {column: {"command", "settings", "wall_seconds"}},
             "runs": [{"name", "kind", "description", "killer", column: Outcome...}]}
Outcome: {"outcome": passed|killed|warned|guesses-refused|survived|false-alarm|failed|error, "seconds",
          "test", "check", "warnings", "warned_rules"}; `seconds` is the time to the first
          failure when there is one; `warned` (the suite with a URL target's defaults): not
          killed, but warned of by guessed rules, `warned_rules` naming the first few.
"""

from __future__ import annotations

import html
import json
import re
import statistics
from pathlib import Path
from typing import Any

FILE = "kill-matrix.json"
COLUMNS = {
    "suite": "suite, strict (pytest -x --guessed-rules=fail)",
    "suite-default": "suite, a URL target's defaults (guessed rules warn)",
    "cli": "schemathesis CLI alone (--max-failures 1)",
}
CLEAN, BENIGN = "clean", "benign"
# What each outcome means for the run's role; it decides the colour.
# `guesses-refused`: the strict suite failed a variant that breaks only guessed rules, on
# those rules alone (the release gate doing its job, no false alarm).
GOOD = {"passed", "killed", "guesses-refused"}
WARNED = "warned"


RULE_TITLE = re.compile(r"title='(?P<title>[^']+)'")
# A failure title of a schemathesis report: one space, then a capital ("- Response violates
# schema"); pytest's assertion diffs ("-     False,") are not titles.
REPORT_TITLE = re.compile(r"^- (?P<title>[A-Z].*)$")


def failure_title(text: str) -> str:
    """The title of one of our checks, the failure titles of a schemathesis report
    ('- Response violates schema'), else the first line (an assertion's message)."""
    rule = RULE_TITLE.search(text)
    if rule:
        return rule.group("title")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    titles = [match.group("title") for match in map(REPORT_TITLE.match, lines) if match]
    if titles:
        return "; ".join(dict.fromkeys(titles[:3]))
    return lines[0][:300] if lines else ""


def load(report_dir: Path) -> dict[str, Any] | None:
    """The kill matrix of a report directory, or None if none was made there."""
    path = Path(report_dir) / FILE
    return json.loads(path.read_text()) if path.exists() else None


def role(run: dict[str, Any]) -> str:
    """clean, benign (a variant) or fault."""
    return run["kind"] if run["kind"] in (CLEAN, BENIGN) else "fault"


def summary(matrix: dict[str, Any], column: str) -> dict[str, Any]:
    """Kill rate, false alarms and the median time to the first failure of one column."""
    runs = [run for run in matrix.get("runs", []) if column in run]
    faults = [run for run in runs if role(run) == "fault"]
    killed = [run for run in faults if run[column]["outcome"] == "killed"]
    warned = [run["name"] for run in faults if run[column]["outcome"] == WARNED]
    variants = [run for run in runs if role(run) == BENIGN]
    alarms = [run["name"] for run in variants if run[column]["outcome"] not in GOOD]
    clean = [run[column]["outcome"] for run in runs if role(run) == CLEAN]
    seconds = [run[column]["seconds"] for run in killed if run[column].get("seconds") is not None]
    return {
        "faults": len(faults),
        "killed": len(killed),
        "kill_rate": round(len(killed) / len(faults), 3) if faults else None,
        "survivors": [run["name"] for run in faults if run[column]["outcome"] != "killed"],
        "warned": len(warned),
        "warned_only": warned,
        "variants": len(variants),
        "false_alarms": alarms,
        "clean": clean[0] if clean else None,
        "median_seconds_to_first_failure": round(statistics.median(seconds), 1)
        if seconds
        else None,
        "max_seconds_to_first_failure": round(max(seconds), 1) if seconds else None,
    }


def _cell(outcome: dict[str, Any] | None) -> str:
    if outcome is None:
        return '<td class="none">not run</td>'
    verdict = outcome["outcome"]
    seconds = outcome.get("seconds")
    timing = (
        f" in {seconds:.1f} s"
        if seconds is not None and verdict in ("killed", "false-alarm", "failed")
        else ""
    )
    found = " ".join(part for part in (outcome.get("test"), outcome.get("check")) if part)
    if outcome.get("warnings"):
        found += (
            f" ({outcome['warnings']} guessed-rule warnings: "
            + "; ".join(outcome.get("warned_rules", []))
            + ")"
        )
    detail = f'<div class="by">{html.escape(found.strip())}</div>' if found else ""
    css = "good" if verdict in GOOD else "warn" if verdict == WARNED else "bad"
    return f'<td class="{css}"><b>{html.escape(verdict)}</b>{timing}{detail}</td>'


def _summary_rows(matrix: dict[str, Any], columns: list[str]) -> str:
    lines = []
    for column in columns:
        s = summary(matrix, column)
        rate = f"{s['killed']}/{s['faults']}" + (
            f" ({s['kill_rate']:.0%})" if s["kill_rate"] is not None else ""
        )
        median = s["median_seconds_to_first_failure"]
        wall = matrix.get("columns", {}).get(column, {}).get("wall_seconds")
        lines.append(
            f"<tr><th>{html.escape(COLUMNS.get(column, column))}</th><td>{rate}</td>"
            f"<td>{len(s['false_alarms'])}/{s['variants']}</td><td>{html.escape(str(s['clean']))}</td>"
            f"<td>{'-' if median is None else f'{median} s'}</td>"
            f"<td>{'-' if wall is None else f'{wall / 60:.1f} min'}</td></tr>"
        )
    return (
        "<table class='kill-summary'><tr><th></th><th>faults killed</th><th>false alarms</th>"
        "<th>clean run</th><th>median time to first failure</th><th>wall time</th></tr>"
        + "".join(lines)
        + "</table>"
    )


def render_table(matrix: dict[str, Any]) -> str:
    """The kill matrix as an HTML fragment (a summary and one row per run), for embedding."""
    columns = [column for column in COLUMNS if any(column in run for run in matrix.get("runs", []))]
    head = "".join(f"<th>{html.escape(COLUMNS[column])}</th>" for column in columns)
    rows = []
    for run in matrix.get("runs", []):
        cells = "".join(_cell(run.get(column)) for column in columns)
        rows.append(
            f"<tr><td><code>{html.escape(run['name'])}</code><div class='by'>"
            f"{html.escape(run.get('description', ''))}</div></td><td>{html.escape(run['kind'])}</td>"
            f"<td>{html.escape(run.get('killer', ''))}</td>{cells}</tr>"
        )
    return (
        "<section class='kill-matrix'><h2>Kill matrix</h2>"
        + _summary_rows(matrix, columns)
        + "<table class='kill-runs'><tr><th>server</th><th>kind</th><th>expected to be caught by</th>"
        + head
        + "</tr>"
        + "".join(rows)
        + "</table></section>"
    )


STYLE = """
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 90%; }
td.good { background: #e6f4e6; } td.bad { background: #fbe3e3; } td.none { color: #999; }
td.warn { background: #fdf1d6; }
.by { color: #555; font-size: 85%; max-width: 40em; }
"""


def render_page(matrix: dict[str, Any]) -> str:
    """A self-contained HTML page holding the kill matrix."""
    commands = "".join(
        f"<li><code>{html.escape(info.get('command', ''))}</code> "
        f"{html.escape(info.get('settings', ''))}</li>"
        for info in matrix.get("columns", {}).values()
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>nexx kill matrix</title>"
        f"<style>{STYLE}</style></head><body><h1>nexx suite: kill matrix</h1>"
        f"<p>Generated {html.escape(matrix.get('generated', ''))}.</p><ul>{commands}</ul>"
        f"{render_table(matrix)}</body></html>"
    )


def _markdown_cell(outcome: dict[str, Any] | None) -> str:
    if outcome is None:
        return "not run"
    seconds = outcome.get("seconds")
    timing = f" {seconds:.0f} s" if seconds is not None else ""
    found = outcome.get("check") or ""
    if outcome.get("warnings") and not found:
        found = f"{outcome['warnings']} warnings: " + "; ".join(outcome.get("warned_rules", [])[:2])
    test = outcome.get("test") or ""
    where = (
        test.split("::")[-1].replace("test_operation_conforms_to_the_contract", "").strip("[]")
        if test
        else ""
    )
    detail = (
        ": " + " - ".join(part for part in (where, found[:80]) if part) if where or found else ""
    )
    return (f"**{outcome['outcome']}**{timing}{detail}").replace("|", "\\|")


def render_markdown(matrix: dict[str, Any]) -> str:
    """The summary and the matrix as Markdown tables (for docs/faults.md)."""
    columns = [column for column in COLUMNS if any(column in run for run in matrix.get("runs", []))]
    lines = [
        "| | faults killed | false alarms | clean run | median time to first failure | wall time |",
        "|---|---|---|---|---|---|",
    ]
    for column in columns:
        s = summary(matrix, column)
        wall = matrix.get("columns", {}).get(column, {}).get("wall_seconds")
        rate = f"{s['killed']}/{s['faults']}" + (
            f" ({s['kill_rate']:.0%})" if s["kill_rate"] is not None else ""
        )
        median = s["median_seconds_to_first_failure"]
        lines.append(
            f"| {COLUMNS[column]} | {rate} | {len(s['false_alarms'])}/{s['variants']} | {s['clean']} | "
            f"{'-' if median is None else f'{median} s'} | {'-' if wall is None else f'{wall / 60:.1f} min'} |"
        )
    lines += [
        "",
        "| server | kind | expected to be caught by | "
        + " | ".join(COLUMNS[c] for c in columns)
        + " |",
        "|---|---|---|" + "---|" * len(columns),
    ]
    for run in matrix.get("runs", []):
        cells = " | ".join(_markdown_cell(run.get(column)) for column in columns)
        lines.append(f"| `{run['name']}` | {run['kind']} | {run.get('killer', '')} | {cells} |")
    return "\n".join(lines) + "\n"
