"""The import rule of ARCHITECTURE.md holds: each module imports only from the layers below
its own, the reference server never imports the suite, and the suite imports the server only
to start it. The contracts are in pyproject.toml ([tool.importlinter]); `exhaustive` makes a
new module that no layer names a failure too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_imports_follow_the_layers():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail(
            "lint-imports is not installed: `uv sync` installs the dev group (import-linter)"
        )
    run = subprocess.run(
        [lint_imports, "--no-cache"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, (
        f"an import breaks the layer rule of ARCHITECTURE.md:\n{run.stdout}{run.stderr}"
    )
    assert "0 broken" in run.stdout


def test_an_import_line_names_the_modules_it_brings_in():
    from .import_contracts import imported_modules

    assert imported_modules("from schemathesis.core.failures import Failure, Severity") == {
        "schemathesis.core.failures"
    }
    assert imported_modules("    from vcr import matchers as vcr_matchers") == {
        "vcr",
        "vcr.matchers",
    }
    assert imported_modules("import schemathesis") == {"schemathesis"}
    assert imported_modules("from schemathesis import Case") == {"schemathesis"}
