"""The contract check every scenario answer passes (nexx_conformance.contract_check)."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

import nexx_contract
from nexx_conformance import guessed_rules
from nexx_conformance.contract import contract
from nexx_conformance.contract_check import ContractCheck, ContractViolation
from nexx_conformance.envelope import ApiResponse

BASE_URL = "https://staging.example/v3.1"
INIT = {
    "metadata": {
        "status": 201,
        "apiversion": "3.1.30",
        "verb": "POST",
        "processingtime": 0.001,
        "calledwith": "/session/init",
        "forclient": 4711,
    },
    "result": {
        "general": {"cid": "c" * 43, "isNewSession": 1, "persistent": 0, "expires": 1764000000},
        "device": {"id": "d" * 32},
    },
}


def gzipped_init_answer() -> ApiResponse:
    """A session/init answer as a server behind a gzipping proxy sends it (found by the gzip variant)."""

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            201,
            content=gzip.compress(json.dumps(INIT).encode()),
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )

    with httpx.Client(transport=httpx.MockTransport(serve)) as client:
        return ApiResponse.from_httpx(client.post(f"{BASE_URL}/4711/session/init"))


def test_a_gzipped_answer_is_checked_once_decoded() -> None:
    assert ContractCheck(BASE_URL).problems(gzipped_init_answer()) == []


def answer_to(path: str, body: dict, fields: dict[str, str] | None = None) -> ApiResponse:
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json=body)

    with httpx.Client(transport=httpx.MockTransport(serve)) as client:
        return ApiResponse.from_httpx(client.post(f"{BASE_URL}{path}", data=fields))


def test_a_password_hash_fails_even_where_the_schema_only_guesses() -> None:
    # On a URL target a field the contract does not list is a guessed rule, only warned
    # about; a password hash in it is not.
    leaking = json.loads(json.dumps(INIT))
    leaking["result"]["general"]["hash"] = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
    check = ContractCheck(BASE_URL, guessed_mode=guessed_rules.WARN)

    problems = check.problems(answer_to("/4711/session/init", leaking))

    assert problems[0].text == (
        "Secret or foreign user data in the response: the response contains a password hash "
        "(argon2/bcrypt)"
    )
    assert not problems[0].guessed or check.guessed_mode == guessed_rules.WARN


def test_a_password_sent_must_not_come_back() -> None:
    echoing = json.loads(json.dumps(INIT))
    echoing["result"]["general"]["note"] = "welcome back, your password is Tr0ub4dor-and-3"
    sent = {"username": "someone@example.com", "password": "Tr0ub4dor-and-3"}
    check = ContractCheck(BASE_URL, guessed_mode=guessed_rules.WARN)

    problems = check.problems(answer_to("/4711/session/init", echoing, sent))

    assert problems[0].text == (
        "Secret or foreign user data in the response: the response contains the password "
        "that was sent"
    )


def test_an_answer_within_the_contract_has_no_problems() -> None:
    sent = {"username": "someone@example.com", "password": "Tr0ub4dor-and-3"}
    assert ContractCheck(BASE_URL).problems(answer_to("/4711/session/init", INIT, sent)) == []


def test_the_schema_from_the_bundle_has_the_operations_of_the_source() -> None:
    # The suite loads the single-file bundle (0.25 s sooner per schema); its operations,
    # parameters and responses must be the multi-file source's, as schemathesis reads them.
    import schemathesis

    def shape(schema) -> list[tuple]:
        return sorted(
            (
                op.label,
                op.definition.raw.get("operationId"),
                sorted((p.location, p.name, p.is_required) for p in op.iter_parameters()),
                sorted(op.responses.status_codes),
            )
            for op in (result.ok() for result in schema.get_all_operations())
        )

    source = schemathesis.openapi.from_path(str(nexx_contract.source()))
    assert shape(contract().schemathesis_schema()) == shape(source)


def test_an_answer_is_held_to_the_schema_of_its_operation() -> None:
    drifted = json.loads(json.dumps(INIT))
    drifted["result"]["general"]["expires"] = "2026-11-26T00:00:00Z"
    check = ContractCheck(BASE_URL)

    problems = check.problems(answer_to("/4711/session/init", drifted))

    assert check.label(answer_to("/4711/session/init", INIT)).startswith("init (POST ")
    assert [problem.text for problem in problems] == [
        'Response violates schema: "2026-11-26T00:00:00Z" is not of type "integer"'
    ]
    (rule,) = problems[0].rules
    assert rule.rule == "type at $.result.general.expires" and rule.evidence.guessed


def test_a_shared_record_fails_each_violation_once() -> None:
    drifted = json.loads(json.dumps(INIT))
    drifted["result"]["general"]["expires"] = "2026-11-26T00:00:00Z"
    reported: set = set()
    first, second = (
        ContractCheck(BASE_URL, reported=reported),
        ContractCheck(BASE_URL, reported=reported),
    )

    with pytest.raises(ContractViolation, match="the contract of init"):
        first(answer_to("/4711/session/init", drifted))
    second(answer_to("/4711/session/init", drifted))  # the same violation: already failed once
    with pytest.raises(ContractViolation, match="password hash"):
        leaking = json.loads(json.dumps(drifted))
        leaking["result"]["general"]["hash"] = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
        second(answer_to("/4711/session/init", leaking))


def test_without_a_record_every_violation_fails() -> None:
    drifted = json.loads(json.dumps(INIT))
    drifted["result"]["general"]["expires"] = "2026-11-26T00:00:00Z"
    check = ContractCheck(BASE_URL)
    for _ in range(2):
        with pytest.raises(ContractViolation):
            check(answer_to("/4711/session/init", drifted))
