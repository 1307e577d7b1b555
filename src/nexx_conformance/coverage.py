"""Contract coverage: which operations, parameters and statuses the suite's requests reached.

Every request the suite sends goes through `requests.Session.send` (schemathesis) or
`httpx.Client.send` (our client); both are wrapped for the run, above vcrpy, so a replay
counts the same requests as the recording. Only names and statuses are kept, never values.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from nexx_conformance.contract import Operation, contract, operation_at
from nexx_conformance.patches import SendPatch


class CoverageLog:
    """Aggregated names and statuses of the requests one process sent."""

    def __init__(
        self,
        operations: Sequence[Operation] | Callable[[], Sequence[Operation]] | None = None,
        target_base_url: Callable[[], str | None] = lambda: None,
    ) -> None:
        # The operations, or how to read them when first needed (the run's contract's, when
        # the first request is counted: a run that fails before it does not wait for them).
        self._operations = operations if operations is not None else lambda: contract().operations
        # Only calls to the target count: a selftest's loopback fake is not the API under test.
        self.target_base_url = target_base_url
        self.called: Counter[str] = Counter()
        self.parameters: dict[str, set[str]] = {}
        self.statuses: dict[str, Counter[str]] = {}
        self.unmatched = 0

    @cached_property
    def operations(self) -> Sequence[Operation]:
        return self._operations() if callable(self._operations) else self._operations

    def record(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | str | None,
        status: int | None,
    ) -> None:
        base_url = self.target_base_url()
        if not base_url or not url.startswith(base_url.rstrip("/") + "/"):
            return
        parts = urlsplit(url)
        operation = operation_at(self.operations, method, parts.path)
        if operation is None:
            self.unmatched += 1
            return
        sent = set(parse_qs(parts.query, keep_blank_values=True))
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if body and "x-www-form-urlencoded" in content_type:
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            sent |= set(parse_qs(text, keep_blank_values=True))
        lowered = {k.lower() for k in headers}
        sent |= {h for h in operation.header_parameters if h.lower() in lowered}
        sent |= {name for name in operation.parameters if "{" + name + "}" in operation.path}
        key = operation.key
        self.called[key] += 1
        self.parameters.setdefault(key, set()).update(sent & set(operation.parameters))
        if status is not None:
            self.statuses.setdefault(key, Counter())[str(status)] += 1

    def as_data(self) -> dict[str, Any]:
        """A JSON-able form, for xdist's workeroutput and for merging."""
        return {
            "called": dict(self.called),
            "unmatched": self.unmatched,
            "parameters": {k: sorted(v) for k, v in self.parameters.items()},
            "statuses": {k: dict(v) for k, v in self.statuses.items()},
        }

    def merge(self, data: dict[str, Any]) -> None:
        self.called.update(data.get("called", {}))
        self.unmatched += data.get("unmatched", 0)
        for key, names in data.get("parameters", {}).items():
            self.parameters.setdefault(key, set()).update(names)
        for key, counts in data.get("statuses", {}).items():
            self.statuses.setdefault(key, Counter()).update(counts)

    def summary(self) -> dict[str, Any]:
        rows = []
        for operation in self.operations:
            key = operation.key
            seen = self.statuses.get(key, Counter())
            rows.append(
                {
                    "operationId": operation.operation_id,
                    "method": operation.method,
                    "path": operation.path,
                    "called": self.called.get(key, 0),
                    "parameters_sent": sorted(self.parameters.get(key, set())),
                    "parameters_declared": list(operation.parameters),
                    "statuses_seen": {code: seen[code] for code in sorted(seen)},
                    "statuses_declared": list(operation.statuses),
                    "statuses_undeclared": sorted(set(seen) - set(operation.statuses)),
                }
            )
        called = sum(1 for row in rows if row["called"])
        return {
            "operations": rows,
            "totals": {
                "operations_called": called,
                "operations_declared": len(rows),
                "requests": sum(self.called.values()),
                "requests_outside_contract": self.unmatched,
                "parameters_sent": sum(len(r["parameters_sent"]) for r in rows),
                "parameters_declared": sum(len(r["parameters_declared"]) for r in rows),
                "statuses_seen": sum(
                    len(set(r["statuses_seen"]) & set(r["statuses_declared"])) for r in rows
                ),
                "statuses_declared": sum(len(r["statuses_declared"]) for r in rows),
            },
        }


def totals_text(summary: dict[str, Any]) -> str:
    """The run's coverage in one phrase: operations, parameters, statuses, requests."""
    totals = summary["totals"]
    undeclared = sum(len(row["statuses_undeclared"]) for row in summary["operations"])
    return (
        f"operations called {totals['operations_called']}/{totals['operations_declared']}, "
        f"parameters sent {totals['parameters_sent']}/{totals['parameters_declared']}, "
        f"statuses seen {totals['statuses_seen']}/{totals['statuses_declared']}"
        + (f" (+{undeclared} undeclared)" if undeclared else "")
        + f", {totals['requests']:,} requests ({totals['requests_outside_contract']:,} outside the contract)"
    )


def summary_line(summary: dict[str, Any]) -> str:
    """The one line a run ends with; the table is asked for with --coverage-table."""
    if not summary["totals"]["requests"]:
        return "nexx contract coverage: no request reached a contract operation"
    return f"nexx contract coverage: {totals_text(summary)}"


def format_table(summary: dict[str, Any]) -> list[str]:
    header = f"{'operation':<28} {'called':>6} {'params':>7} {'statuses':>9}  statuses seen"
    lines = [header, "-" * len(header)]
    for row in summary["operations"]:
        params = f"{len(row['parameters_sent'])}/{len(row['parameters_declared'])}"
        declared = set(row["statuses_declared"])
        statuses = f"{len(set(row['statuses_seen']) & declared)}/{len(declared)}"
        seen = " ".join(code if code in declared else f"{code}!" for code in row["statuses_seen"])
        lines.append(
            f"{row['operationId']:<28} {row['called']:>6} {params:>7} {statuses:>9}  {seen}"
        )
    lines.append(
        totals_text(summary)
        + (
            "; '!' marks a status the contract does not declare"
            if any(row["statuses_undeclared"] for row in summary["operations"])
            else ""
        )
    )
    return lines


def terminal_lines(summary: dict[str, Any], *, table: bool) -> list[str]:
    """What a run ends with: the one-line summary, or with `table` the table and its totals."""
    if table and summary["totals"]["requests"]:
        return format_table(summary)
    return [summary_line(summary)]


def write_json(summary: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(summary, indent=2, sort_keys=False) + "\n", encoding="utf-8")


class SendRecorder(SendPatch):
    """Records every request schemathesis (requests) and the suite's client (httpx) send
    while installed."""

    def __init__(self, log: CoverageLog) -> None:
        super().__init__(on_requests=self._requests_sent, on_httpx=self._httpx_sent)
        self.log = log

    def _requests_sent(self, request, response) -> None:
        self.log.record(
            request.method, request.url, dict(request.headers), request.body, response.status_code
        )

    def _httpx_sent(self, request, response) -> None:
        import httpx

        try:
            body = request.content
        except httpx.RequestNotRead:  # a streamed body we must not consume: count it without fields
            body = None
        self.log.record(
            request.method, str(request.url), dict(request.headers), body, response.status_code
        )
