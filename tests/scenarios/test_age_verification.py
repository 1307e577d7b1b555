"""Flow avs: a user verifies their age with an AVS provider. /prepareavsupdate starts a
transaction for age class 16 or 18, /finishavsupdate reports the provider's result: a
passed check raises the age class in the profile, a failed one leaves it. A transaction is
finished once, by its own user; an age class outside [16, 18] is not started."""

import pytest

from nexx_conformance.status import BAD_REQUEST, CONFLICT, FORBIDDEN, NOT_FOUND
from nexx_conformance.steps.avs import AVS_PROVIDER

pytestmark = pytest.mark.flow("avs")

# A transaction id no target has handed out to this user (the contract allows up to 2^31-1).
NEVER_STARTED = 2_000_000_000


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_passed_checks_raise_the_age_class_to_16_then_18(steps):
    session = steps.logged_in()
    assert steps.age_class(session) == 0, "a new user has a verified age class already"

    sixteen = steps.start_age_verification(session, 16)
    assert (sixteen.ageclass, sixteen.provider) == (16, AVS_PROVIDER), f"started {sixteen}"
    assert steps.age_class(session) == 0, "starting a verification changed the age class"
    outcome = steps.finish_age_verification(session, sixteen, passed=True)
    assert (outcome.verified, outcome.ageclass) == (True, 16), f"finished {outcome}"
    assert steps.age_class(session) == 16, "the profile does not show the verified age class 16"

    eighteen = steps.start_age_verification(session, 18)
    assert eighteen.transaction != sixteen.transaction, (
        "the second verification reuses the first transaction"
    )
    outcome = steps.finish_age_verification(session, eighteen, passed=True)
    assert (outcome.verified, outcome.ageclass) == (True, 18), f"finished {outcome}"
    assert steps.age_class(session) == 18, "the profile does not show the verified age class 18"

    with steps.step("a verification for an age class the user has already is refused"):
        for held in (16, 18):
            steps.refused(
                steps.request_age_verification(session, held),
                statuses=(CONFLICT,),
                rule="prepareavsupdate: the user has this age class or a higher one (409)",
            )


def test_failed_check_leaves_the_age_class(steps):
    session = steps.logged_in()
    transaction = steps.start_age_verification(session, 18)

    outcome = steps.finish_age_verification(session, transaction, passed=False)

    assert (outcome.verified, outcome.ageclass) == (False, 0), f"finished {outcome}"
    assert steps.age_class(session) == 0, "a failed check changed the age class"


def test_finished_transaction_is_refused_whatever_its_result(steps):
    session = steps.logged_in()
    failed = steps.start_age_verification(session, 16)
    steps.finish_age_verification(session, failed, passed=False)
    with steps.step("a failed transaction reported again as passed is refused"):
        steps.refused(
            steps.report_avs_result(session, failed, passed=True),
            statuses=(CONFLICT,),
            rule="finishavsupdate: a transaction is finished once (409)",
        )
    assert steps.age_class(session) == 0, "a failed transaction reported again raised the age class"

    passed = steps.start_age_verification(session, 16)
    steps.finish_age_verification(session, passed, passed=True)
    with steps.step("a passed transaction reported again is refused"):
        steps.refused(
            steps.report_avs_result(session, passed, passed=True),
            statuses=(CONFLICT,),
            rule="finishavsupdate: a transaction is finished once (409)",
        )
    assert steps.age_class(session) == 16, "a second report changed the age class"


def test_another_users_transaction_is_refused(steps):
    owner = steps.logged_in()
    transaction = steps.start_age_verification(owner, 18)
    stranger = steps.logged_in()

    with steps.step("another user reports a passed check for the owner's transaction"):
        steps.refused(
            steps.report_avs_result(stranger, transaction, passed=True),
            statuses=(FORBIDDEN,),
            rule="finishavsupdate: another user's transaction is not allowed (403)",
        )
    assert steps.age_class(stranger) == 0, (
        "another user's transaction raised the stranger's age class"
    )

    with steps.step("the owner still finishes the transaction"):
        outcome = steps.finish_age_verification(owner, transaction, passed=True)
        assert outcome.ageclass == 18, f"finished {outcome}"


def test_transaction_never_started_is_refused(steps):
    session = steps.logged_in()
    steps.refused(
        steps.report_avs_result(session, NEVER_STARTED, passed=True),
        statuses=(NOT_FOUND,),
        rule="finishavsupdate: an unknown transaction (404)",
    )
    assert steps.age_class(session) == 0, "an unknown transaction changed the age class"


def test_age_class_outside_16_to_18_or_malformed_provider_is_refused(steps):
    session = steps.logged_in()
    for ageclass, provider in (
        (17, AVS_PROVIDER),
        (21, AVS_PROVIDER),
        (0, AVS_PROVIDER),
        (18, "Not A Provider"),
    ):
        with steps.step(
            f"a verification for age class {ageclass} with provider {provider!r} is refused"
        ):
            steps.refused(
                steps.request_age_verification(session, ageclass, provider=provider),
                statuses=(BAD_REQUEST,),
                rule="prepareavsupdate: ageclass is 16 or 18, provider 2-32 lowercase letters or digits (400)",
            )
    assert steps.age_class(session) == 0, "a refused verification changed the age class"
