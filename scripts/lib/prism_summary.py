"""Sums up the exchanges scripts/lib/prism_shim.py logged: how many Prism validated, and each
response violation it reported, apart from the documented Prism limitations below.

    python scripts/lib/prism_summary.py EXCHANGES_JSONL REPORT_JSON

Exits 1 when a response violation is not a documented limitation.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

# Findings of Prism that are Prism's, not the API's: (what its message contains, why). None
# so far (a run of the whole suite on 2026-11-25 gave none). Prism's known limitations are
# handled before validation instead: the base path and GETs with a body (the shim routes
# them), undeclared methods (sent around Prism, which would answer 405 itself), and requests
# Prism fails on itself (counted apart as "prism_failed", resent to the server). Without
# jsonSchemaDialect Prism validates as draft-07: dependentRequired, contentMediaType and
# contentSchema are not enforced by it (the suite's own checks enforce them).
LIMITATIONS: tuple[tuple[str, str], ...] = ()


def limitation_of(message: str) -> str | None:
    return next((why for text, why in LIMITATIONS if text in message), None)


def main() -> int:
    exchanges_path, report_path = sys.argv[1:3]
    exchanges, found, excused, prism_failed = 0, Counter(), Counter(), Counter()
    with open(exchanges_path, encoding="utf-8") as lines:
        for line in lines:
            exchange = json.loads(line)
            if exchange.get("prism_failed"):
                prism_failed[f"{exchange['method']} {exchange['path']}"] += 1
                continue
            exchanges += 1
            for violation in exchange["violations"]:
                where = ".".join(str(part) for part in violation.get("location", []))
                key = f"{exchange['method']} {exchange['path']} {exchange['status']}: {where}: {violation.get('message')}"
                (excused if limitation_of(violation.get("message", "")) else found)[key] += 1
    report = {
        "exchanges_validated": exchanges,
        "response_violations": sum(found.values()),
        "documented_prism_limitations": sum(excused.values()),
        "prism_failed": sum(prism_failed.values()),
        "violations": dict(found.most_common()),
        "limitations": dict(excused.most_common()),
        "prism_failed_requests": dict(prism_failed.most_common()),
    }
    with open(report_path, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2)
    print(
        f"prism-proxy: {exchanges} exchanges validated by Prism, {report['response_violations']} "
        f"response violations, {report['documented_prism_limitations']} documented Prism limitations "
        f"(report: {report_path})"
    )
    if prism_failed:
        print(
            f"prism-proxy: {report['prism_failed']} requests Prism itself could not handle (a 5xx of "
            f"its own, e.g. a path with control characters) went to the server directly: a documented "
            f"Prism limitation, not a violation"
        )
    for key, count in found.most_common(30):
        print(f"  {count:5d}  {key}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
