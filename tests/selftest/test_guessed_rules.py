"""Guessed rules: a failure whose every broken rule the contract only guessed is told apart.

The bodies are the contract's own profile answer with one thing changed each time, checked
against the real bundle and its evidence (contracts/evidence.yaml); each kind of rule - a
schema keyword, a status, one of our checks, an invalid request accepted - is graded.
"""

from __future__ import annotations

import copy

import pytest

from nexx_conformance import guessed_rules
from nexx_conformance.checks import EnvelopeStatusMismatch, ErrorWithResult, SecretInResponse

from .conftest import PROFILE_METADATA

PROFILE = ("GET", "/{domainid}/user/profile", 200)
USER = {
    "ID": 1042,
    "username": "alice_90",
    "email": "alice@example.org",
    "status": "",
    "newsletter": 0,
    "ageclass": 0,
    "isanonymous": 0,
    "created": 1735689600,
    "twofactor": {"app": 0, "u2fdevices": 0},
    "channelsubscriptions": [],
}
BODY = {
    "metadata": PROFILE_METADATA,
    "result": USER,
}


def profile(**changes) -> dict:
    body = copy.deepcopy(BODY)
    body["result"].update(changes)
    return body


def found(body) -> list[guessed_rules.Violation]:
    return guessed_rules.violations(*PROFILE[:2], PROFILE[2], body)


def exchange(body, status: int = 200, case=None, operation: str = "profile", path=PROFILE[1]):
    return guessed_rules.Exchange(operation, "GET", path, status, body, case)


def test_the_contract_example_breaks_nothing():
    assert found(BODY) == []


def test_an_undocumented_field_breaks_only_the_guessed_closed_object():
    violations = found(profile(loyaltyPoints=12))
    assert [(v.keyword, v.at) for v in violations] == [("additionalProperties", "$.result")]
    assert guessed_rules.only_guessed(violations)
    assert "page lists no complete set of fields" in violations[0].evidence.detail


def test_a_gender_the_page_never_listed_is_a_guess():
    violations = found(profile(gender="nonbinary"))
    assert [(v.keyword, v.at) for v in violations] == [("enum", "$.result.gender")]
    assert guessed_rules.only_guessed(violations)


@pytest.mark.parametrize(
    "metadata, keyword, grade",
    [
        pytest.param({"apiversion": 3.1}, "type", "stated", id="apiversion-not-a-string-stated"),
        pytest.param({"apiversion": "3.0.11"}, "pattern", "observed", id="apiversion-3.0-observed"),
        pytest.param({"fromstage": 2}, "enum", "stated", id="fromstage-2-stated"),
        pytest.param({"processingtime": -1}, "minimum", "guessed", id="negative-time-guessed"),
    ],
)
def test_a_metadata_break_is_graded_by_its_source(metadata, keyword, grade):
    body = copy.deepcopy(BODY)
    body["metadata"].update(metadata)
    violations = found(body)
    assert [(v.keyword, v.evidence.grade) for v in violations] == [(keyword, grade)]


def test_a_missing_required_field_is_graded_by_that_field():
    body = copy.deepcopy(BODY)
    del body["metadata"]["verb"]
    (violation,) = found(body)
    assert (violation.keyword, violation.evidence.grade) == ("required", "observed")
    assert violation.evidence.source.id == "capture-2022-init"


def test_a_guess_beside_a_stated_break_is_not_tolerated():
    body = profile(gender="nonbinary")
    body["metadata"]["fromstage"] = 7
    assert not guessed_rules.only_guessed(found(body))


def test_a_branch_that_fails_only_by_guesses_is_reported_by_its_guesses():
    # register answers oneOf [logged-in session, itemupdate]: an extra field in the
    # itemupdate breaks that branch's closed object only.
    body = {
        "metadata": {**BODY["metadata"], "status": 201, "verb": "POST"},
        "result": {"ID": 7, "status": "registered", "authorized": 0, "newField": 1},
    }
    violations = guessed_rules.violations("POST", "/{domainid}/user/register", 201, body)
    assert guessed_rules.only_guessed(violations), violations


def test_a_shared_error_response_is_checked_where_it_is_defined():
    # verifypassword's 429 is `$ref: components/responses/TooManyRequests`.
    body = {"metadata": {**BODY["metadata"], "status": 429, "errorhint": "wait"}, "x": 1}
    violations = guessed_rules.violations("POST", "/{domainid}/user/verifypassword", 429, body)
    assert [(v.keyword, v.at) for v in violations] == [("additionalProperties", "$")]
    assert guessed_rules.only_guessed(violations)


def test_a_refusal_without_result_breaks_nothing_and_with_null_too():
    body = {"metadata": {**BODY["metadata"], "status": 403, "errorhint": "no"}}
    assert guessed_rules.violations(*PROFILE[:2], 403, body) == []
    assert guessed_rules.violations(*PROFILE[:2], 403, {**body, "result": None}) == []


def failure_of(kind, **fields):
    failure = kind.__new__(kind)
    failure.__dict__.update(fields)
    return failure


def schema_failure():
    from schemathesis.openapi.checks import JsonSchemaError

    return JsonSchemaError.__new__(JsonSchemaError)


@pytest.mark.parametrize(
    "failure, grade",
    [
        pytest.param(failure_of(EnvelopeStatusMismatch), "stated", id="envelope-status-stated"),
        pytest.param(failure_of(ErrorWithResult), "guessed", id="result-on-error-guessed"),
        pytest.param(
            failure_of(SecretInResponse, rules=("no-domain-secret",)), "stated", id="secret-stated"
        ),
        pytest.param(
            failure_of(SecretInResponse, rules=("no-password",)), "guessed", id="password-guessed"
        ),
    ],
)
def test_our_checks_break_the_rule_their_failure_names(failure, grade):
    (rule,) = guessed_rules.broken_rules(failure, exchange(BODY))
    assert rule.evidence.grade == grade


@pytest.mark.parametrize(
    "code, rule",
    [
        pytest.param("ST204", "405 with Allow", id="undeclared-verb-guessed"),
        pytest.param("ST101", "5xx", id="server-error-stated"),
        pytest.param("ST401", "refused", id="ignored-auth-stated"),
    ],
)
def test_schemathesis_checks_break_the_rule_of_their_code(code, rule):
    from schemathesis.core.failures import Failure

    failure = Failure.__new__(Failure)
    failure.__dict__["code"] = code
    (broken,) = guessed_rules.broken_rules(failure, exchange(BODY))
    assert rule in broken.rule
    assert broken.evidence.guessed is (code == "ST204")


def test_an_undocumented_status_breaks_the_operations_status_list():
    from schemathesis.openapi.checks import UndefinedStatusCode

    failure = failure_of(UndefinedStatusCode, code="ST103")
    (rule,) = guessed_rules.broken_rules(failure, exchange(BODY, status=302))  # no 3xx at all
    assert "answers no status but those it documents (302" in rule.rule
    assert rule.evidence.guessed


def test_a_failure_the_suite_cannot_grade_is_no_warning():
    assert guessed_rules.broken_rules(AssertionError("other"), exchange(BODY)) is None


def test_tolerate_records_a_warning_only_in_warn_mode():
    log = guessed_rules.GuessedWarnings()
    given = {"warnings": log, "test": "t"}
    extra = exchange(profile(extra=1))
    assert not guessed_rules.tolerate(schema_failure(), extra, mode="fail", **given)
    assert not guessed_rules.tolerate(AssertionError("other"), extra, mode="warn", **given)
    assert guessed_rules.tolerate(schema_failure(), extra, mode="warn", **given)
    assert [item.operation for item in log.items] == ["profile"]
    assert "additionalProperties at $.result (guessed:" in log.items[0].line()


def test_in_strict_mode_a_failure_names_every_rule_it_breaks_with_its_grade():
    failure = schema_failure()
    body = profile(gender="nonbinary")
    body["metadata"]["fromstage"] = 7
    log = guessed_rules.GuessedWarnings()
    assert not guessed_rules.tolerate(failure, exchange(body), mode="fail", warnings=log, test="t")
    (note,) = failure.__notes__
    assert "enum at $.result.gender (guessed:" in note
    assert "enum at $.metadata.fromstage (stated: the docs' response object page" in note


def answer_of(body: dict, status: int = 200):
    import httpx

    from nexx_conformance.envelope import ApiResponse

    request = httpx.Request("GET", "https://staging.example/v3.1/4711/user/profile")
    return ApiResponse.from_httpx(httpx.Response(status, json=body, request=request))


@pytest.mark.parametrize("mode", ["warn", "fail"])
def test_a_scenario_answer_with_a_guessed_break_warns_or_fails_by_mode(mode):
    from nexx_conformance.contract_check import ContractCheck, ContractViolation

    log = guessed_rules.GuessedWarnings()
    check = ContractCheck("https://staging.example/v3.1", guessed_mode=mode, warnings=log)
    answer = answer_of(profile(loyaltyPoints=12, gender="nonbinary"))
    if mode == "fail":
        with pytest.raises(ContractViolation, match=r"enum at \$.result.gender \(guessed"):
            check(answer)
        assert log.items == []
    else:
        check(answer)
        rules = dict(log.items[0].rules)
        assert set(rules) == {"additionalProperties at $.result", "enum at $.result.gender"}
    # A stated rule broken fails in either mode.
    body = profile()
    body["metadata"]["fromstage"] = 7
    with pytest.raises(ContractViolation, match="stated"):
        check(answer_of(body))


@pytest.mark.parametrize(
    "status, tolerated",
    [
        pytest.param(418, True, id="undocumented-status-warns"),
        pytest.param(200, False, id="metadata-status-mismatch-fails"),
    ],
)
def test_a_scenario_answer_with_a_guessed_status_warns(status, tolerated):
    from nexx_conformance.contract_check import ContractCheck, ContractViolation

    body = copy.deepcopy(BODY)
    body["metadata"]["status"] = 418 if tolerated else 201
    if tolerated:  # a refusal as the envelope has it (errorhint, no result), but its status
        body["metadata"]["errorhint"] = "I'm a teapot"
        body["result"] = None
    check = ContractCheck("https://staging.example/v3.1", guessed_mode="warn")
    if tolerated:
        check(answer_of(body, status))
        assert check.warnings.items
    else:
        with pytest.raises(ContractViolation, match="HTTP 200 with metadata.status 201"):
            check(answer_of(body, status))


def test_a_step_expecting_a_guessed_status_passes_on_one_of_its_class():
    from nexx_conformance.contract_check import ContractCheck

    check = ContractCheck("https://staging.example/v3.1", guessed_mode="warn")
    answer = answer_of({"metadata": {**BODY["metadata"], "status": 422, "errorhint": "no"}}, 422)
    assert check.tolerates_status(answer, (400,))
    assert not check.tolerates_status(answer, (200,))
    strict = ContractCheck("https://staging.example/v3.1", guessed_mode="fail")
    assert not strict.tolerates_status(answer, (400,))


class FakeCase:
    def __init__(self, body, path=None, query=None):
        self.body, self.path_parameters, self.query = body, path or {"domainid": 4711}, query


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            {"username": "ab", "email": "ab@example.org", "password": "correct-horse-7"},
            id="short-username",
        ),
        pytest.param(
            {"username": "alice_90", "email": "ab@example.org", "password": "short"},
            id="short-password",
        ),
        pytest.param(
            {"username": "alice_90", "email": "not an address", "password": "correct-horse-7"},
            id="bad-email",
        ),
    ],
)
def test_an_accepted_invalid_request_is_only_as_sure_as_the_refusal_rule(body):
    # No page says nexx refuses what the contract calls invalid: every accepted invalid
    # request warns, naming the constraint it broke.
    from schemathesis.core.failures import AcceptedNegativeData

    failure = failure_of(AcceptedNegativeData, code="ST201")
    answer = {
        "metadata": {**BODY["metadata"], "status": 201, "verb": "POST"},
        "result": {"ID": 7, "status": "registered", "authorized": 0},
    }
    done = guessed_rules.Exchange(
        "register", "POST", "/{domainid}/user/register", 201, answer, FakeCase(body)
    )
    rules = guessed_rules.broken_rules(failure, done)
    assert rules and guessed_rules.only_guessed(rules)
    assert all(rule.rule.startswith("a request that breaks the contract") for rule in rules)


def test_an_undocumented_success_status_breaks_the_documented_one_as_sure_as_it_is():
    # init's 201 is observed (a captured answer): a 200 there fails in any mode; register's
    # 201 is the contract's guess: a 200 there only warns.
    from schemathesis.openapi.checks import UndefinedStatusCode

    failure = failure_of(UndefinedStatusCode, code="ST103")
    init = guessed_rules.broken_rules(failure, exchange(BODY, 200, operation="init"))
    assert "init answers 201" in {rule.rule for rule in init}
    assert not guessed_rules.only_guessed(init)
    register = guessed_rules.broken_rules(failure, exchange(BODY, 200, operation="register"))
    assert guessed_rules.only_guessed(register)


def test_an_undocumented_server_error_is_never_only_a_guess():
    from schemathesis.openapi.checks import UndefinedStatusCode

    failure = failure_of(UndefinedStatusCode, code="ST103")
    rules = guessed_rules.broken_rules(failure, exchange(BODY, 500, operation="init"))
    assert not guessed_rules.only_guessed(rules)
    assert any(rule.rule.startswith("no answer is a 5xx") for rule in rules)
