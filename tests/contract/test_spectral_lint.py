"""Spectral, with spectral:oas and the house rules of contracts/.spectral.yaml, finds no error
in the single-file bundle (contracts/bundled/, every rule on, no exception for any path)."""

import warnings
from pathlib import Path

import pytest
from contract_document import BUNDLE_PATH
from spectral_runner import lint

FIXTURES = Path(__file__).parent / "fixtures"

# Each house rule, and each spectral:oas rule the house raises to error, fires on
# fixtures/ruleset-bad.openapi.yaml (a comment there marks where).
HOUSE_RULES = {
    "operation-operationId",
    "operation-description",
    "operation-tags",
    "operation-singular-tag",
    "oas3-parameter-description",
    "nexx-operation-session",
    "nexx-operation-session-value",
    "nexx-operation-success-response",
    "nexx-operation-client-error-response",
    "nexx-request-body-example",
    "nexx-success-response-content",
    "nexx-success-response-example",
    "nexx-result-schema-not-empty",
}


def test_contract_has_no_spectral_error():
    findings = lint(BUNDLE_PATH)
    errors = [finding for finding in findings if finding.severity == "error"]
    others = [finding for finding in findings if finding.severity != "error"]
    if others:
        warnings.warn(
            f"spectral: {len(others)} warnings:\n" + "\n".join(map(str, others)), stacklevel=1
        )
    if errors:
        pytest.fail(
            f"spectral: {len(errors)} errors:\n" + "\n".join(map(str, errors)), pytrace=False
        )


def test_ruleset_passes_a_contract_that_follows_the_house_rules():
    errors = [f for f in lint(FIXTURES / "ruleset-good.openapi.yaml") if f.severity == "error"]
    assert not errors, "\n".join(map(str, errors))


def test_ruleset_reports_every_house_rule_on_a_contract_that_breaks_them():
    fired = {f.code for f in lint(FIXTURES / "ruleset-bad.openapi.yaml") if f.severity == "error"}
    assert HOUSE_RULES - fired == set(), f"these rules did not fire: {sorted(HOUSE_RULES - fired)}"
