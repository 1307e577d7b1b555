"""The single-file bundle (contracts/bundled/) is what the source gives, and valid on its own.

Tools that cannot follow the source's relative `$ref`s read the bundle: Spectral's structural
rules (test_spectral_lint.py), Prism (scripts/prism-proxy), code generators.
"""

from __future__ import annotations

import subprocess

import pytest
from contract_document import BUNDLE_PATH, REPO_ROOT, load_document
from openapi_spec_validator import OpenAPIV31SpecValidator

SCRIPT = REPO_ROOT / "scripts" / "bundle-contract"
TIMEOUT_SECONDS = 300


def test_bundle_is_up_to_date():
    done = subprocess.run(
        [str(SCRIPT), "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail((done.stderr or done.stdout).strip(), pytrace=False)


def test_bundle_is_valid_openapi_3_1_without_other_files():
    bundle = load_document(BUNDLE_PATH)
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in OpenAPIV31SpecValidator(bundle).iter_errors()
    ]
    assert not errors, "\n".join(errors[:20])
    assert "'$ref': '../" not in repr(bundle) and "'$ref': 'components/" not in repr(bundle)


def test_bundle_names_every_shared_schema():
    source = load_document(REPO_ROOT / "contracts" / "nexx-user.openapi.yaml")
    named = set(load_document(BUNDLE_PATH)["components"]["schemas"])
    missing = set(source["components"]["schemas"]) - named
    assert not missing, f"the bundle lost the names of {sorted(missing)}"
