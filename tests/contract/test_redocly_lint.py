"""Redocly CLI lint (recommended rules, redocly.yaml) finds no error and no warning in the
source nor in the bundle. Every rule redocly.yaml turns off or changes says why there."""

from __future__ import annotations

import json
import subprocess

import pytest
from contract_document import BUNDLE_PATH, CONTRACT_PATH, REPO_ROOT, relative

REDOCLY = REPO_ROOT / "node_modules" / ".bin" / "redocly"
TIMEOUT_SECONDS = 300


def problems(document) -> list[str]:
    if not REDOCLY.exists():
        pytest.fail(f"{relative(REDOCLY)} is missing: run `npm ci` first", pytrace=False)
    done = subprocess.run(
        [str(REDOCLY), "lint", str(document), "--format", "json", "--max-problems", "1000"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"redocly did not run (exit {done.returncode}):\n{done.stderr.strip()}", pytrace=False
        )
    return [
        f"{item['severity']} {item['ruleId']}: {item['message']} at "
        f"{(item.get('location') or [{}])[0].get('pointer', '?')}"
        for item in report.get("problems", [])
    ]


@pytest.mark.parametrize("document", [CONTRACT_PATH, BUNDLE_PATH], ids=["source", "bundle"])
def test_redocly_finds_no_error_and_no_warning(document):
    found = problems(document)
    if found:
        pytest.fail(
            f"redocly lint {relative(document)}: {len(found)} problems:\n" + "\n".join(found),
            pytrace=False,
        )
