"""The sections the HTML report shows above its list of tests, as self-contained HTML.

- contract coverage as a grid: one row per operation, one column per status code, each
  cell coloured by what the run saw against what the contract declares;
- the flows: each flow's scenario tests with their named steps, the failed step marked;
- the calibration: the contract change the run implies (its overlay file linked), each
  finding with its kind and what it changes, and the findings left to a person;
- the kill matrix and the drift report, when their JSON files are in the report directory.

Pure functions from data to HTML strings (no pytest here); every text is escaped. No
external asset: the styles are one inline <style>, so the report stays one file to mail.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from nexx_conformance.coverage import totals_text
from nexx_conformance.flow_runs import ScenarioRun

# Big JSON reports stay readable: past these, the report says how much it left out.
MAX_ROWS = 400
MAX_DEPTH = 3
MAX_CELL = 300
KILL_MATRIX_COLUMNS = ("fault", "kind", "killed", "test", "check", "seconds")

STYLE = """<style>
.nexx{font-family:Helvetica,Arial,sans-serif;font-size:12px;color:#222;margin:18px 0 26px}
.nexx h2{font-size:16px;margin:0 0 6px}
.nexx .lead{margin:0 0 8px;color:#444}
.nexx .legend span{display:inline-block;margin-right:14px}
.nexx .swatch{display:inline-block;width:12px;height:12px;vertical-align:-2px;margin-right:4px;
  border:1px solid #bbb}
.nexx table{border-collapse:collapse}
.nexx-grid th,.nexx-grid td{padding:1px 6px;border:1px solid #fff;white-space:nowrap}
.nexx-grid thead th{background:#eee;position:sticky;top:0}
.nexx-grid td{text-align:right;min-width:34px;font-variant-numeric:tabular-nums}
.nexx-grid th.op{text-align:left;font-weight:normal}
.nexx-grid th.op code{color:#777;font-size:11px}
.nexx-grid tr.uncalled th.op,.nexx-grid tr.uncalled td{color:#999;font-style:italic}
.nexx .seen{color:#fff}.nexx .swatch.seen{background:hsl(130,48%,45%)}
.nexx .expected{background:#fbe3b8;color:#8a5a00}
.nexx .undeclared{background:#c9302c;color:#fff;font-weight:bold}
.nexx .absent{background:#f6f6f6}
.nexx-flow{margin:0 0 10px;padding:6px 8px;border-left:4px solid #ccc;background:#fafafa}
.nexx-flow.passed{border-color:#3c9a4b}.nexx-flow.failed{border-color:#c9302c}
.nexx-flow.skipped{border-color:#e0a030}
.nexx .absent-flows{color:#777}.nexx .absent-flows code{margin-right:8px}
.nexx-flow h3{font-size:13px;margin:0 0 4px}
.nexx-test{margin:3px 0 3px 10px}
.nexx .badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-size:11px;
  margin-right:6px}
.nexx .badge.passed{background:#3c9a4b}.nexx .badge.failed,.nexx .badge.error{background:#c9302c}
.nexx .badge.skipped{background:#e0a030}
.nexx ol.steps{display:flex;flex-wrap:wrap;list-style:none;margin:3px 0 0 10px;padding:0}
.nexx ol.steps li{margin:2px 4px 2px 0;padding:1px 6px;background:#e8f0e8;border-radius:3px}
.nexx ol.steps li.failed{background:#c9302c;color:#fff;font-weight:bold}
.nexx ol.steps li b{color:#666;margin-right:3px}.nexx ol.steps li.failed b{color:#fff}
.nexx .reason{margin:2px 0 0 10px;color:#666}
.nexx-data th,.nexx-data td{border:1px solid #ddd;padding:2px 6px;text-align:left;
  vertical-align:top}
.nexx-data thead th{background:#eee}
.nexx-data tr.survived td{background:#f9dcdc}
.nexx .yes{color:#2d7a3a;font-weight:bold}.nexx .no{color:#b52b27;font-weight:bold}
</style>"""


def section(anchor: str, title: str, body: str) -> str:
    return f'<div class="nexx" id="nexx-{anchor}"><h2>{escape(title)}</h2>{body}</div>'


def legend(entries: Iterable[tuple[str, str]]) -> str:
    return (
        '<p class="legend">'
        + "".join(
            f'<span><i class="swatch {css}"></i>{escape(text)}</span>' for css, text in entries
        )
        + "</p>"
    )


# -- contract coverage -------------------------------------------------------------------


def status_order(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (10_000, code)


def seen_colour(count: int, most: int) -> str:
    # Darker green for more requests, on a log scale: 1 request is light, the most is dark.
    share = math.log1p(count) / math.log1p(max(most, 1))
    return f"background:hsl(130,48%,{62 - 30 * share:.0f}%)"


def coverage_cell(code: str, row: Mapping[str, Any], most: int) -> str:
    count = row["statuses_seen"].get(code, 0)
    declared = code in row["statuses_declared"]
    if count and declared:
        return (
            f'<td class="seen" style="{seen_colour(count, most)}" '
            f'title="{count} answers {escape(code)}">{count:,}</td>'
        )
    if count:
        return (
            f'<td class="undeclared" title="{count} answers {escape(code)}, '
            f'which the contract does not declare">{count:,}!</td>'
        )
    if declared:
        return '<td class="expected" title="declared, never seen">&middot;</td>'
    return '<td class="absent"></td>'


def coverage_grid(summary: Mapping[str, Any]) -> str:
    """Operations by status: seen (green, darker = more), declared but unseen, undeclared."""
    rows = summary["operations"]
    if not rows:
        return ""
    codes = sorted(
        {code for row in rows for code in (*row["statuses_declared"], *row["statuses_seen"])},
        key=status_order,
    )
    most = max((count for row in rows for count in row["statuses_seen"].values()), default=1)
    head = "".join(f"<th>{escape(code)}</th>" for code in codes)
    body = []
    for row in rows:
        css = "" if row["called"] else ' class="uncalled"'
        label = (
            f"{escape(row['operationId'])} <code>{escape(row['method'])} "
            f"{escape(row['path'])}</code>"
        )
        params = f"{len(row['parameters_sent'])}/{len(row['parameters_declared'])}"
        cells = "".join(coverage_cell(code, row, most) for code in codes)
        body.append(
            f'<tr{css}><th class="op">{label}</th><td>{row["called"]:,}</td>'
            f"<td>{params}</td>{cells}</tr>"
        )
    key = legend(
        [
            ("seen", "answered, declared (darker: more answers)"),
            ("expected", "declared, never answered"),
            ("undeclared", "answered, not declared (!)"),
            ("absent", "neither"),
        ]
    )
    lead = f'<p class="lead">{escape(totals_text(summary))}</p>'
    table = (
        f'<table class="nexx-grid"><thead><tr><th class="op">operation</th><th>calls</th>'
        f"<th>params</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return section("coverage", "Contract coverage", lead + key + table)


# -- flows -------------------------------------------------------------------------------


def flow_outcome(runs: Sequence[ScenarioRun]) -> str:
    outcomes = {run.outcome for run in runs}
    if outcomes & {"failed", "error"}:
        return "failed"
    return "passed" if "passed" in outcomes else "skipped"


def steps_list(run: ScenarioRun) -> str:
    if not run.steps:
        return ""
    items = []
    for number, name in enumerate(run.steps, start=1):
        css = ' class="failed"' if number == run.failed_step else ""
        items.append(f"<li{css}><b>{number}</b>{escape(name)}</li>")
    return f'<ol class="steps">{"".join(items)}</ol>'


def scenario_entry(run: ScenarioRun) -> str:
    reason = f'<div class="reason">{escape(run.reason)}</div>' if run.reason else ""
    return (
        f'<div class="nexx-test"><span class="badge {run.outcome}">{run.outcome}</span>'
        f'<span title="{escape(run.nodeid)}">{escape(run.name)}</span> '
        f"<small>({run.seconds:.1f} s, {len(run.steps)} steps)</small>"
        f"{steps_list(run)}{reason}</div>"
    )


def flows_section(by_flow: Mapping[str, Sequence[ScenarioRun]], known: Sequence[str]) -> str:
    """Each flow, its scenario tests and their steps; known flows no test ran are listed too."""
    if not by_flow:
        return ""
    blocks, absent = [], []
    for flow in [*known, *sorted(set(by_flow) - set(known))]:
        runs = by_flow.get(flow, ())
        if not runs:
            absent.append(f"<code>{escape(flow)}</code>")
            continue
        outcome = flow_outcome(runs)
        counts = ", ".join(
            f"{sum(r.outcome == o for r in runs)} {o}"
            for o in ("passed", "failed", "error", "skipped")
            if any(r.outcome == o for r in runs)
        )
        blocks.append(
            f'<div class="nexx-flow {outcome}"><h3>{escape(flow)} '
            f"<small>({counts})</small></h3>"
            + "".join(scenario_entry(run) for run in runs)
            + "</div>"
        )
    lead = f'<p class="lead">{len(blocks)} of {len(blocks) + len(absent)} flows ran a scenario.</p>'
    if absent:
        blocks.append(f'<p class="absent-flows">No scenario ran for {" ".join(absent)}</p>')
    return section("flows", "Flows", lead + "".join(blocks))


# -- calibration ------------------------------------------------------------------------


def calibration_section(
    overlay: Mapping[str, Any] | None, href: str, uncalibrated: Sequence[Mapping[str, Any]] = ()
) -> str:
    """The overlay a run wrote, summarised: findings by kind, each finding's change."""
    name = escape(href.rsplit("/", 1)[-1])
    if overlay is None:
        lead = (
            '<p class="lead">Nothing to calibrate: the target answered nothing beyond the '
            "contract that the contract can take in, and broke no guessed rule.</p>"
        )
        rows = []
    else:
        changes = [
            action
            for action in overlay.get("actions", ())
            if action.get("x-nexx-kind", "evidence") != "evidence"
        ]
        kinds: dict[str, int] = {}
        for action in changes:
            kinds[action["x-nexx-kind"]] = kinds.get(action["x-nexx-kind"], 0) + 1
        findings = overlay.get("info", {}).get("x-nexx-findings", len(changes))
        lead = (
            f'<p class="lead">{findings} findings, {len(overlay.get("actions", ()))} actions in '
            f'<a href="{escape(href, quote=True)}">{name}</a> ('
            + ", ".join(f"{count} {escape(kind)}" for kind, count in sorted(kinds.items()))
            + f"). Review it, then <code>scripts/calibrate-contract {name}</code> "
            "(docs/staging.md).</p>"
        )
        rows = [
            {
                "finding": action.get("x-nexx-finding"),
                "kind": action.get("x-nexx-kind"),
                "target": action.get("target"),
                "change": action.get("description"),
            }
            for action in changes
        ]
    body = lead + (records_table(rows, 0) if rows else "")
    if uncalibrated:
        body += (
            '<p class="lead">Not calibrated (a failure, a known deviation or a person\'s '
            "decision):</p>" + records_table(list(uncalibrated), 0)
        )
    return section("calibration", "Calibration", body)


# -- JSON reports (kill matrix, drift) ---------------------------------------------------


def compact(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + " ..."


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return '<span class="yes">yes</span>' if value else '<span class="no">no</span>'
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return escape(str(value))


def is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def records_table(
    records: Sequence[Mapping[str, Any]],
    depth: int,
    first: Sequence[str] = (),
    row_class=lambda record: "",
) -> str:
    columns = [name for name in first if any(name in r for r in records)]
    for record in records:
        columns += [name for name in record if name not in columns]
    head = "".join(f"<th>{escape(str(name))}</th>" for name in columns)
    body = []
    for record in records[:MAX_ROWS]:
        css = row_class(record)
        cells = "".join(f"<td>{view(record.get(name), depth + 1)}</td>" for name in columns)
        body.append(f'<tr class="{css}">{cells}</tr>' if css else f"<tr>{cells}</tr>")
    more = (
        f'<p class="lead">... and {len(records) - MAX_ROWS} more rows in the JSON file</p>'
        if len(records) > MAX_ROWS
        else ""
    )
    return (
        f'<table class="nexx-data"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{more}"
    )


def view(value: Any, depth: int = 0) -> str:
    """Any JSON value as HTML: lists of objects as tables, objects as key-value tables."""
    if depth > MAX_DEPTH and isinstance(value, dict | list):
        return f"<code>{escape(compact(value))}</code>"
    if is_records(value):
        return records_table(value, depth)
    if isinstance(value, list):
        return escape(
            ", ".join(compact(v) if isinstance(v, dict | list) else str(v) for v in value)
        )
    if isinstance(value, dict):
        rows = "".join(
            f"<tr><th>{escape(str(key))}</th><td>{view(item, depth + 1)}</td></tr>"
            for key, item in value.items()
        )
        return f'<table class="nexx-data"><tbody>{rows}</tbody></table>'
    return scalar(value)


def json_section(anchor: str, title: str, data: Any, source: str) -> str:
    """A JSON report of another tool, shown as it is (its fields, as tables)."""
    lead = f'<p class="lead">from <code>{escape(source)}</code></p>'
    return section(anchor, title, lead + view(data))


def kill_entries(data: Any) -> tuple[list[dict], dict]:
    """The fault entries of a kill matrix (a list, or the first list of objects in an object)
    and the rest of the object (medians, the CLI's figures, ...)."""
    if is_records(data):
        return list(data), {}
    if isinstance(data, dict):
        for key, value in data.items():
            if is_records(value):
                return list(value), {k: v for k, v in data.items() if k != key}
        return [], dict(data)
    return [], {}


def kill_matrix_section(data: Any, source: str) -> str:
    """Which injected faults the suite found (killed) and which it missed (survived)."""
    entries, rest = kill_entries(data)
    if not entries:
        return json_section("kill-matrix", "Kill matrix", data, source)
    killed = sum(1 for entry in entries if entry.get("killed") is True)
    lead = (
        f'<p class="lead">{killed} of {len(entries)} injected faults killed'
        f"{'' if killed == len(entries) else f', {len(entries) - killed} survived'}"
        f" (from <code>{escape(source)}</code>)</p>"
    )
    table = records_table(
        entries,
        0,
        first=KILL_MATRIX_COLUMNS,
        row_class=lambda e: "survived" if e.get("killed") is False else "",
    )
    return section("kill-matrix", "Kill matrix", lead + (view(rest) if rest else "") + table)
