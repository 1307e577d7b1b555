"""Guessed rules: a body that breaks only constraints marked x-nexx-guessed is told apart.

The bodies are the contract's own profile answer with one thing changed each time, checked
against the real bundle.
"""

from __future__ import annotations

import copy

import pytest

from nexx_conformance import guessed_rules

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


def test_the_contract_example_breaks_nothing():
    assert found(BODY) == []


def test_an_undocumented_field_breaks_only_the_guessed_closed_object():
    violations = found(profile(loyaltyPoints=12))
    assert [(v.keyword, v.at) for v in violations] == [("additionalProperties", "$.result")]
    assert guessed_rules.only_guessed(violations)
    assert "page lists no complete set of fields" in violations[0].guessed


def test_a_gender_the_page_never_listed_is_a_guess():
    violations = found(profile(gender="nonbinary"))
    assert [(v.keyword, v.at) for v in violations] == [("enum", "$.result.gender")]
    assert guessed_rules.only_guessed(violations)


def test_a_wrong_type_or_a_missing_field_is_not_a_guess():
    assert not guessed_rules.only_guessed(found(profile(ID="1042")))
    body = profile()
    del body["result"]["email"]
    assert not guessed_rules.only_guessed(found(body))


def test_a_guess_beside_a_real_break_is_not_tolerated():
    assert not guessed_rules.only_guessed(found(profile(gender="nonbinary", newsletter=7)))


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
    body = {
        "metadata": {**BODY["metadata"], "status": 429, "errorhint": "wait"},
        "result": None,
        "x": 1,
    }
    violations = guessed_rules.violations("POST", "/{domainid}/user/verifypassword", 429, body)
    assert [(v.keyword, v.at) for v in violations] == [("additionalProperties", "$")]
    assert guessed_rules.only_guessed(violations)


class SchemaFailure(AssertionError):
    pass


def test_tolerate_records_a_warning_only_in_warn_mode():
    from schemathesis.openapi.checks import JsonSchemaError

    failure = JsonSchemaError.__new__(JsonSchemaError)
    log = guessed_rules.GuessedWarnings()
    given = {
        "method": "GET",
        "template": PROFILE[1],
        "status": 200,
        "body": profile(extra=1),
        "test": "t",
        "operation": "profile",
        "warnings": log,
    }
    assert not guessed_rules.tolerate(failure, mode="fail", **given)
    assert not guessed_rules.tolerate(SchemaFailure("other"), mode="warn", **given)
    assert guessed_rules.tolerate(failure, mode="warn", **given)
    assert [item.operation for item in log.items] == ["profile"]
    assert "additionalProperties at $.result (guessed:" in log.items[0].line()


def answer_of(body: dict):
    import httpx

    from nexx_conformance.envelope import ApiResponse

    request = httpx.Request("GET", "https://staging.example/v3.1/4711/user/profile")
    return ApiResponse.from_httpx(httpx.Response(200, json=body, request=request))


@pytest.mark.parametrize("mode", ["warn", "fail"])
def test_a_scenario_answer_with_a_guessed_break_warns_or_fails_by_mode(mode):
    from nexx_conformance.contract_check import ContractCheck, ContractViolation

    log = guessed_rules.GuessedWarnings()
    check = ContractCheck("https://staging.example/v3.1", guessed_mode=mode, warnings=log)
    answer = answer_of(profile(loyaltyPoints=12, gender="nonbinary"))
    if mode == "fail":
        with pytest.raises(ContractViolation):
            check(answer)
        assert log.items == []
    else:
        check(answer)
        rules = dict(log.items[0].rules)
        assert set(rules) == {"additionalProperties at $.result", "enum at $.result.gender"}
    # A real break fails in either mode.
    with pytest.raises(ContractViolation):
        check(answer_of(profile(ID="not a number")))


class FakeCase:
    def __init__(self, body, path=None, query=None):
        self.body, self.path_parameters, self.query = body, path or {"domainid": 4711}, query


@pytest.mark.parametrize(
    "body, tolerated",
    [
        ({"username": "ab", "email": "ab@example.org", "password": "correct-horse-7"}, True),
        ({"username": "alice_90", "email": "ab@example.org", "password": "short"}, True),
        ({"username": "alice_90", "email": "not an address", "password": "correct-horse-7"}, False),
        (
            {
                "username": "alice_90",
                "email": "ab@example.org",
                "password": "correct-horse-7",
                "newsletter": 7,
            },
            False,
        ),
    ],
)
def test_an_accepted_request_that_broke_only_guessed_policies_is_a_warning(body, tolerated):
    from schemathesis.core.failures import AcceptedNegativeData

    failure = AcceptedNegativeData.__new__(AcceptedNegativeData)
    answer = {
        "metadata": {**BODY["metadata"], "status": 201, "verb": "POST"},
        "result": {"ID": 7, "status": "registered", "authorized": 0},
    }
    assert (
        guessed_rules.tolerate(
            failure,
            method="POST",
            template="/{domainid}/user/register",
            status=201,
            body=answer,
            mode="warn",
            warnings=guessed_rules.GuessedWarnings(),
            test="t",
            operation="register",
            case=FakeCase(body),
        )
        is tolerated
    )


def test_a_bundle_is_stale_once_its_source_changes(tmp_path):
    root = tmp_path / "contracts"
    (root / "paths").mkdir(parents=True)
    (root / "components").mkdir()
    (root / "bundled").mkdir()
    (root / "nexx-user.openapi.yaml").write_text("openapi: 3.1.0\n")
    (root / "paths" / "session.yaml").write_text("post: {}\n")
    (root / "components" / "schemas.yaml").write_text("User: {}\n")
    bundled = root / "bundled" / "nexx-user.openapi.yaml"
    bundled.write_text(
        f"# GENERATED\n# source sha256: {guessed_rules.source_digest(root)}\nopenapi: 3.1.0\n"
    )

    assert guessed_rules.stale_bundle(bundled, root) is None
    (root / "paths" / "session.yaml").write_text("post: {summary: edited}\n")
    assert "run scripts/bundle-contract" in guessed_rules.stale_bundle(bundled, root)


def test_the_committed_bundle_is_the_sources():
    assert guessed_rules.stale_bundle() is None


def test_a_missing_bundle_says_how_to_build_it(tmp_path):
    root = tmp_path / "contracts"
    root.mkdir()
    assert guessed_rules.stale_bundle(root / "bundled" / "nexx-user.openapi.yaml", root) == (
        "contracts/bundled/nexx-user.openapi.yaml is missing: run scripts/bundle-contract"
    )
