"""Every operation of the contract, property-based: positive and negative cases, every check.

schemathesis generates the cases from contracts/nexx-user.openapi.yaml and runs its own
checks and ours (nexx_conformance.checks) on each response. A failure names the operation,
the rule it breaks and a curl line to reproduce it (session id, signature, passwords masked).
"""

from __future__ import annotations

import pytest
from schemathesis.errors import FailureGroup

from nexx_conformance import guessed_rules
from nexx_conformance.contract_marks import (
    ETERNAL,
    PENDING_LOGIN,
    is_destructive,
    operation_id,
    session_kind,
    side_effects,
)
from nexx_conformance.masking import masked_curl

from .contract import CONFORMANCE_SETTINGS, CONTRACT_SCHEMA

# Operations that complete a held login with a proof of the second factor.
SECOND_FACTOR_PROOFS = ("authorizedevice", "authorizelogin")
schema = CONTRACT_SCHEMA


def destructive(ctx) -> bool:
    return is_destructive(ctx.operation)


def call_and_check(case, sessions, base_url: str, config, warnings, node=None) -> None:
    kind = session_kind(case.operation)
    if kind == ETERNAL and not config.eternal_cid:
        pytest.skip("needs the eternal session: pass --eternal-cid or set NEXX_ETERNAL_CID")
    channels = side_effects(case.operation)
    if channels and not config.allow_side_effects:
        # Generated addresses and names may belong to real people on a live system.
        pytest.skip(
            f"{operation_id(case.operation)} sends {' and '.join(channels)} on the target: "
            "pass --allow-side-effects or set NEXX_ALLOW_SIDE_EFFECTS=yes"
        )
    # schemathesis builds its example and coverage cases at collection, before any session
    # exists: each case gets its session here (the broker leaves the invalid parts of a
    # negative case as they are).
    sessions.give_session(case)
    # call_and_validate, split: a user the case created is tracked even when its answer
    # then fails a check. (Our auth provider does not refresh, so call_and_validate would
    # never replay the call in between.)
    response = case.call(base_url=base_url, session=sessions.http)
    sessions.track_created_user(case, response)
    try:
        case.validate_response(
            response, transport_kwargs={"base_url": base_url}, additional_checks=sessions.checks()
        )
    except (AssertionError, FailureGroup) as failure:
        # On a URL target a failure whose every broken rule the contract only guessed
        # (contracts/evidence.yaml) is a warning naming them (--guessed-rules); anything
        # else fails, naming every rule it breaks and the grade of each.
        if not guessed_rules.tolerate_case(
            failure, case, response, mode=config.guessed_rules, warnings=warnings, node=node
        ):
            raise
    if kind == PENDING_LOGIN and operation_id(case.operation) in SECOND_FACTOR_PROOFS:
        # The session holds a real login waiting for an authenticator app's code: a
        # generated code or WebAuthn assertion is (all but) never the right one.
        assert not 200 <= response.status_code < 300, (
            f"{operation_id(case.operation)} completed a held login with a generated second "
            f"factor (HTTP {response.status_code})\nReproduce: {masked_curl(response.request)}"
        )


@schema.exclude(func=destructive).parametrize()
@CONFORMANCE_SETTINGS
def test_operation_conforms_to_the_contract(
    case, case_sessions, target, nexx_config, guessed_warnings, request
):
    call_and_check(
        case, case_sessions, target.base_url, nexx_config, guessed_warnings, request.node
    )


@pytest.mark.destructive
@schema.include(func=destructive).parametrize()
@CONFORMANCE_SETTINGS
def test_destructive_operation_conforms_to_the_contract(
    case, case_sessions, target, nexx_config, guessed_warnings, request
):
    call_and_check(
        case, case_sessions, target.base_url, nexx_config, guessed_warnings, request.node
    )
