"""Captured answers of a real nexx system, checked as the suite checks a staging system.

The fixtures (tests/fixtures/real_answers/, each naming its public source) are verbatim. An
answer of API 3.1 raises no failure on a URL target (--guessed-rules=warn): the guessed rules
it breaks are its only findings, each listed in EXPECTED_WARNINGS, so a contract change that
adds or removes one shows in review; checked strictly, the failure names every one of them
with its grade. The 2018 answers are of API 3.0.11: they break the version rules the 3.1
captures show, which are observed, not guessed, so they fail in either mode.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest
import yaml

from nexx_conformance import guessed_rules
from nexx_conformance.contract_check import ContractCheck, ContractViolation
from nexx_conformance.envelope import ApiResponse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real_answers"
STAGING = "https://staging.example/v3.1"
# The guessed rules each answer of API 3.1 breaks (rule, as the warnings name it).
EXPECTED_WARNINGS = {
    "2022-session-init": set(),
    # The contract's media item is the captured one (open, runtime "HH:MM:SS"): nothing left.
    "2022-videos-byid": set(),
}


def capture(name: str) -> dict:
    found = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))
    digest = hashlib.sha256(found["answer"].encode()).hexdigest()
    assert digest == found["source"]["sha256"], f"{name}: the answer is no longer verbatim"
    return found


def init_answer(found: dict) -> ApiResponse:
    """The captured init answer, as our client reads an answer of the staging URL."""
    request = httpx.Request(
        "POST", f"{STAGING}/741/session/init", content=found["request"]["form"].encode()
    )
    response = httpx.Response(
        found["status"],
        content=found["answer"].encode(),
        headers={"Content-Type": "application/json"},
        request=request,
    )
    return ApiResponse.from_httpx(response)


def media_item_violations(found: dict) -> list[guessed_rules.Violation]:
    """A media item answer is no contract operation: its metadata and its item are checked
    against the shared schemas every media list item and every answer use."""
    answer = json.loads(found["answer"])
    return guessed_rules.component_violations(
        "Metadata", answer["metadata"]
    ) + guessed_rules.component_violations("MediaItem", answer["result"])


@pytest.mark.parametrize("name", sorted(path.stem for path in FIXTURES.glob("*.yaml")))
def test_every_fixture_names_its_source_and_is_verbatim(name):
    found = capture(name)
    assert "search-index file id" in found["source"]["where"]
    assert json.loads(found["answer"])["metadata"]["status"] == found["status"]


def test_the_2022_init_answer_raises_nothing_on_a_url_target():
    check = ContractCheck(STAGING, guessed_mode=guessed_rules.WARN)
    check(init_answer(capture("2022-session-init")))
    warned = {rule for warning in check.warnings.items for rule, _ in warning.rules}
    assert warned == EXPECTED_WARNINGS["2022-session-init"]


def test_the_2022_init_answer_is_checked_strictly_with_the_same_findings():
    rules = EXPECTED_WARNINGS["2022-session-init"]
    check = ContractCheck(STAGING, guessed_mode=guessed_rules.FAIL)
    if not rules:
        check(init_answer(capture("2022-session-init")))
        return
    with pytest.raises(ContractViolation) as failed:
        check(init_answer(capture("2022-session-init")))
    for rule in rules:
        assert f"{rule} (guessed:" in str(failed.value)


def test_the_2022_media_item_breaks_only_guessed_rules_each_listed():
    found = media_item_violations(capture("2022-videos-byid"))
    assert not found or guessed_rules.only_guessed(found), [v.rule for v in found if not v.guessed]
    assert {violation.rule for violation in found} == EXPECTED_WARNINGS["2022-videos-byid"]


def test_the_2022_media_item_checked_strictly_names_every_rule_with_its_grade():
    found = media_item_violations(capture("2022-videos-byid"))
    rules = EXPECTED_WARNINGS["2022-videos-byid"]
    if not rules:
        assert not found, [violation.rule for violation in found]
        return
    note = guessed_rules.graded_note(
        guessed_rules.BrokenRule(violation.rule, violation.evidence) for violation in found
    )
    for rule in rules:
        assert f"{rule} (guessed:" in note


@pytest.mark.parametrize("mode", [guessed_rules.WARN, guessed_rules.FAIL])
def test_an_api_3_0_answer_fails_on_the_observed_version_rules_in_either_mode(mode):
    check = ContractCheck(STAGING, guessed_mode=mode)
    with pytest.raises(ContractViolation) as failed:
        check(init_answer(capture("2018-session-init")))
    message = str(failed.value)
    assert "pattern at $.metadata.apiversion (observed:" in message
    assert "required at $.metadata (observed:" in message  # no verb before 3.1


def test_an_api_3_0_media_item_breaks_observed_rules():
    found = media_item_violations(capture("2018-videos-byid"))
    assert not guessed_rules.only_guessed(found)
    assert {v.rule for v in found if not v.guessed} >= {"pattern at $.apiversion"}
