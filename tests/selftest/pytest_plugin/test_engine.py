"""The plugin acts only on runs of nexx tests (pytest_plugin.engine): any other pytest run in
the environment gets options, markers and fixtures, and nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

import nexx_contract

pytest_plugins = ["pytester"]

UNTOUCHED = """
import gc
import sys

import httpx
import requests


def test_one():
    assert gc.isenabled()
    assert not [name for name in sys.modules if name.startswith("nexx_conformance.patches")]
    assert not [name for name in sys.modules if name.startswith("nexx_conformance.contract")]
    # No observer wraps what the libraries send.
    assert requests.Session.send.__module__ == "requests.sessions"
    assert httpx.Client.send.__module__ == "httpx._client"
"""


def test_a_one_test_run_of_another_directory_writes_no_report_and_loads_no_patch(tmp_path):
    (tmp_path / "test_one.py").write_text(UNTOUCHED)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEXX_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "test_one.py"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    # None of the lines a run of the suite ends with (coverage, replay, users left, reports).
    assert not [line for line in done.stdout.splitlines() if line.startswith("nexx")]
    assert "report" not in done.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == ["test_one.py"]


def test_a_test_that_needs_the_target_in_another_run_says_how_to_switch_the_engine_on(pytester):
    pytester.makeini("[pytest]\n")  # not a directory of nexx tests
    pytester.makepyfile("def test_x(target):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*nexx: this run does not use the suite's engine*--target*"])
    assert not (pytester.path / "reports").exists()


def test_naming_a_target_switches_the_engine_on(pytester, monkeypatch):
    monkeypatch.delenv("NEXX_REPORT_DIR", raising=False)
    pytester.makeini("[pytest]\n")
    pytester.makepyfile("def test_x(target):\n    assert target.base_url\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--target", "replay")
    result.assert_outcomes(passed=1)
    assert (pytester.path / "reports" / "junit.xml").is_file()


STALE = (
    "contracts/bundled/nexx-user.openapi.yaml is not built from the contract source in "
    "contracts/ (edited since?): run scripts/bundle-contract"
)


@pytest.fixture
def edited_contract(tmp_path):
    """A copy of the contract whose source was edited after its bundle was built."""
    copy = tmp_path / "contracts"
    shutil.copytree(nexx_contract.directory(), copy, ignore=shutil.ignore_patterns("seed"))
    root = copy / nexx_contract.ROOT_DOCUMENT
    root.write_text(root.read_text() + "\n# edited\n")
    return root


def test_a_stale_bundle_stops_a_run_of_nexx_tests_before_its_first_test(pytester, edited_contract):
    pytester.makepyfile("def test_x():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", f"--contract={edited_contract}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: nexx: {STALE}"])


def test_a_stale_bundle_leaves_other_runs_alone(pytester, edited_contract, monkeypatch):
    # The contract's own tests, say: they report a stale bundle themselves (test_bundle.py).
    pytester.makeini("[pytest]\n")
    monkeypatch.setenv("NEXX_CONTRACT", str(edited_contract))
    pytester.makepyfile("def test_x():\n    pass\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
