"""Runs the Spectral CLI installed by `npm ci` and returns its findings as data."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from contract_document import CONTRACTS_DIR, REPO_ROOT, relative

SPECTRAL = REPO_ROOT / "node_modules" / ".bin" / "spectral"
RULESET = CONTRACTS_DIR / ".spectral.yaml"
TIMEOUT_SECONDS = 300
SEVERITIES = ("error", "warning", "info", "hint")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    path: tuple[str, ...]
    severity: str
    source: str
    line: int

    def __str__(self) -> str:
        where = ".".join(self.path) or "(root)"
        return f"{self.source}:{self.line} {where}: {self.message} [{self.code}]"


def lint(document: Path) -> list[Finding]:
    """Spectral's findings on `document` with our ruleset; fails the test if Spectral cannot run."""
    if not SPECTRAL.exists():
        pytest.fail(f"{relative(SPECTRAL)} is missing: run `npm ci` first", pytrace=False)
    command = [str(SPECTRAL), "lint", str(document), "--ruleset", str(RULESET), "--format", "json"]
    # Spectral exits 1 when it finds errors; only unparseable output means it did not run.
    done = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    try:
        raw = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        output = (done.stderr or done.stdout).strip()
        pytest.fail(f"spectral did not run (exit {done.returncode}):\n{output}", pytrace=False)
    return [_finding(item) for item in raw]


def _finding(item: dict) -> Finding:
    source = item.get("source") or ""
    return Finding(
        code=str(item.get("code", "")),
        message=item.get("message", ""),
        path=tuple(str(part) for part in item.get("path", [])),
        severity=SEVERITIES[item.get("severity", 0)],
        source=relative(Path(source)) if source else "",
        line=item.get("range", {}).get("start", {}).get("line", -1) + 1,
    )
