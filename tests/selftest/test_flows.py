"""Every flow id is where the guide says a new flow puts it: a row of the README's flow
table, and a module of tests/scenarios marked with it."""

from __future__ import annotations

import re
from pathlib import Path

from nexx_conformance.constants import FLOWS
from nexx_conformance.pytest_plugin.selection import flow_marks_in

ROOT = Path(__file__).resolve().parents[2]
TABLE_ROW = re.compile(r"^\| `([a-z0-9-]+)` \| `(test_[a-z0-9_]+\.py)` \|", re.MULTILINE)


def test_the_readme_flow_table_has_one_row_per_flow_naming_its_module():
    rows = dict(TABLE_ROW.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    assert list(rows) == list(FLOWS), "README.md's flow table is not FLOWS, in FLOWS' order"
    for flow, module in rows.items():
        path = ROOT / "tests" / "scenarios" / module
        marked = {args for _, args in flow_marks_in(path)} if path.is_file() else set()
        assert (flow,) in marked, f"README.md: {module} is not a module marked flow({flow!r})"
