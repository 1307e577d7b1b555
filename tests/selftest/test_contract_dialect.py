"""The suite's checks read a contract `pattern` as the contract means it: ECMA-262.

Python's `re` reads `\\S`, `\\d`, `\\w` and `$` otherwise (and schemathesis' own engine `.`
and `\\b`): each case below is one where a check would give the wrong verdict with another
dialect. They run through the suite's checks themselves: schemathesis' response validation
(response_schema_conformance, and contract_check for scenarios), the guessed-rule
classification, and the generation filter; then the JSON Schema Test Suite's
`ecmascript-regex` cases (tests/data/json-schema-test-suite) through the first two.
"""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import httpx
import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup

from nexx_conformance import guessed_rules, patches, request_patterns
from nexx_conformance.contract import of_document
from nexx_conformance.contract_check import ContractCheck
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import OK

from .test_guessed_rules import BODY, profile

SUITE = Path(__file__).resolve().parents[1] / "data" / "json-schema-test-suite"
BASE_URL = "https://staging.example/v3.1"

# (pattern, value, whether ECMA-262 finds a match)
DIALECT = [
    pytest.param(r"\S", "\x1f", True, id="S-takes-the-unit-separator-U+001F"),
    pytest.param(r"^\d+$", "\u0663", False, id="d-refuses-the-arabic-indic-digit-three"),
    pytest.param(r"^\d+$", "3", True, id="d-takes-an-ascii-digit"),
    pytest.param(r"^\w+$", "\u00e9", False, id="w-refuses-e-acute"),
    pytest.param(r"^abc$", "abc\n", False, id="dollar-refuses-a-trailing-newline"),
    pytest.param(r"^a.b$", "a\rb", False, id="dot-refuses-a-carriage-return"),
    pytest.param(r"\b\u00e9", "\u00e9", False, id="b-is-an-ascii-word-boundary"),
]


def suite_cases(name: str) -> list:
    """(schema, data, valid) of every test in a file of the JSON Schema Test Suite."""
    groups = json.loads((SUITE / name).read_text(encoding="utf-8"))
    return [
        pytest.param(
            {k: v for k, v in group["schema"].items() if k != "$schema"},
            test["data"],
            test["valid"],
            id=f"{group['description']}: {test['description']}",
        )
        for group in groups
        for test in group["tests"]
    ]


ECMASCRIPT_REGEX = suite_cases("ecmascript-regex.json")


def api_answering(schema: dict) -> dict:
    """An OpenAPI 3.1 document whose one operation answers 200 with `schema`."""
    answer = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "dialect", "version": "1"},
        "paths": {"/answer": {"get": {"responses": {"200": answer}}}},
    }


def schemathesis_accepts(schema: dict, body) -> bool:
    """schemathesis' verdict on a 200 answer with `body`, as response_schema_conformance and
    contract_check get it (validate_response)."""
    assert patches.ecma_response_patterns()  # installed by the plugin; idempotent
    operation = schemathesis.openapi.from_dict(api_answering(schema))["/answer"]["GET"]
    response = httpx.Response(
        OK, json=body, request=httpx.Request("GET", "https://staging.example/answer")
    )
    response.elapsed = datetime.timedelta(0)
    try:
        operation.validate_response(response)
    except (AssertionError, FailureGroup):
        return False
    return True


@pytest.fixture
def guessed_rules_over(monkeypatch):
    """Points the guessed-rule classification at a document of the test's own."""

    def over(document: dict) -> None:
        test_contract = of_document(document)
        monkeypatch.setattr(guessed_rules, "contract", lambda: test_contract)

    yield over


def guessed_rules_accept(over, schema: dict, body) -> bool:
    over(api_answering(schema))
    return guessed_rules.violations("GET", "/answer", OK, body) == []


@pytest.mark.parametrize("pattern, value, matches", DIALECT)
def test_response_schema_check_reads_patterns_as_ecma_262(pattern, value, matches):
    assert schemathesis_accepts({"type": "string", "pattern": pattern}, value) is matches


@pytest.mark.parametrize("pattern, value, matches", DIALECT)
def test_guessed_rule_classification_reads_patterns_as_ecma_262(
    guessed_rules_over, pattern, value, matches
):
    schema = {"type": "string", "pattern": pattern}
    assert guessed_rules_accept(guessed_rules_over, schema, value) is matches


@pytest.mark.parametrize("schema, data, valid", ECMASCRIPT_REGEX)
def test_response_schema_check_passes_the_ecmascript_regex_suite(schema, data, valid):
    assert schemathesis_accepts(schema, data) is valid


@pytest.mark.parametrize("schema, data, valid", ECMASCRIPT_REGEX)
def test_guessed_rule_classification_passes_the_ecmascript_regex_suite(
    guessed_rules_over, schema, data, valid
):
    assert guessed_rules_accept(guessed_rules_over, schema, data) is valid


def profile_answer(body: dict) -> ApiResponse:
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(OK, json=body)

    with httpx.Client(transport=httpx.MockTransport(serve)) as client:
        return ApiResponse.from_httpx(client.get(f"{BASE_URL}/4711/user/profile"))


def test_a_username_with_a_trailing_newline_breaks_the_contract_of_the_profile():
    # The contract's username pattern is ^[A-Za-z0-9_.-]+$: Python's `$` would take the
    # newline, ECMA-262's does not.
    broken = profile(username="alice_90\n")

    problems = ContractCheck(BASE_URL).problems(profile_answer(broken))

    assert [problem.text for problem in problems] == [
        r'Response violates schema: "alice_90\n" does not match "^[A-Za-z0-9_.-]+$"'
    ]
    assert ContractCheck(BASE_URL).problems(profile_answer(copy.deepcopy(BODY))) == []
    assert [v.keyword for v in guessed_rules.violations("GET", *PROFILE_AT, broken)] == ["pattern"]


PROFILE_AT = ("/{domainid}/user/profile", OK)


@pytest.mark.parametrize(
    "pattern, value, alike",
    [
        pytest.param(r"\S", "\x1f", True, id="S-read-alike"),
        pytest.param(r"^\d+$", "\u0663", True, id="d-read-alike"),
        pytest.param(r"^abc$", "abc\n", True, id="dollar-read-alike"),
        pytest.param(r"[A-Za-z].*[0-9]|[0-9].*[A-Za-z]", "abc\r123", False, id="dot-read-apart"),
        pytest.param(r"\b\u00e9", "\u00e9", False, id="b-read-apart"),
    ],
)
def test_the_generation_filter_drops_what_the_generator_reads_otherwise(pattern, value, alike):
    # schemathesis' generator keeps what its own engine says matches; the case filter
    # (schemathesis_auth.keeps_its_meaning) drops a value ECMA-262 reads otherwise.
    assert request_patterns.reads_alike(pattern, value) is alike
