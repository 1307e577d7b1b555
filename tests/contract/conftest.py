"""Fixtures of the contract's own tests, and the seed coverage line in the terminal summary."""

from __future__ import annotations

import pytest
from contract_document import CONTRACT_PATH, REPO_ROOT, load_document, seed_inventory

seed_coverage_key = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def repo_root():
    """The repository's root folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def contract():
    """The root document of the contract, `$ref`s left as written."""
    return load_document(CONTRACT_PATH)


@pytest.fixture(scope="session")
def inventory():
    """The seed page parsed into its operations and their documented parameters."""
    return seed_inventory()


@pytest.fixture
def report_seed_coverage(request, record_testsuite_property):
    """Records a coverage line for the junit report and the terminal summary."""

    def report(line: str) -> None:
        # A test-suite property: junit's xunit2 family has no per-test properties.
        record_testsuite_property("seed_coverage", line)
        request.config.stash[seed_coverage_key] = line

    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    line = config.stash.get(seed_coverage_key, None)
    if line:
        terminalreporter.write_sep("-", "seed coverage")
        terminalreporter.write_line(line)
