"""Flow uniqueness: before registering, a client asks whether a username or an email
address is still free (`verifyaccountdetailsunique`), and whether a social connector token
is already connected to an account (`verifytokenunique`, per provider).

An email address is taken in any letter case; a connector token is taken only for its own
provider. A registration with a taken username, email address or connector token is refused.
"""

import pytest

from nexx_conformance.status import CONFLICT

pytestmark = pytest.mark.flow("uniqueness")

PROVIDERS = ("google", "twitter", "facebook")


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_username_and_email_are_free_until_registered(steps):
    user = steps.user_details()
    with steps.step("an unregistered username and email address are free"):
        for item, field in ((user.username, "username"), (user.email, "email")):
            answer = steps.verify_account_details_unique(item)
            assert (answer.field, answer.unique) == (field, True), f"{item!r} answered {answer}"
    steps.register(user)
    with steps.step("the registered username and email address are taken"):
        for item, field in ((user.username, "username"), (user.email, "email")):
            answer = steps.verify_account_details_unique(item)
            assert (answer.field, answer.unique) == (field, False), f"{item!r} answered {answer}"


def test_email_is_taken_in_any_letter_case(steps):
    holder = steps.register(steps.user_details(email_tag="Inbox")).user
    other_case = steps.email_in_other_case(holder.email)
    with steps.step("the registered email address in other letter case is taken"):
        answer = steps.verify_account_details_unique(other_case)
        assert (answer.field, answer.unique) == ("email", False), (
            f"{other_case!r} answered {answer}"
        )
    newcomer = steps.user_details()
    newcomer.email = other_case
    with steps.step("registering it in other letter case is refused"):
        steps.refused(
            steps.attempt_registration(newcomer),
            rule="register: a registered email address answers 409",
            statuses=(CONFLICT,),
        )


def test_taken_username_is_refused_at_registration(steps):
    holder = steps.register().user
    newcomer = steps.user_details()
    newcomer.username = holder.username
    with steps.step("register another user with the same username"):
        steps.refused(
            steps.attempt_registration(newcomer),
            rule="register: a taken username answers 409",
            statuses=(CONFLICT,),
        )


@pytest.mark.parametrize("provider", PROVIDERS)
def test_connector_token_is_taken_for_its_provider_only(steps, provider):
    token = steps.register_with_provider(provider).user.connector_token
    with steps.step(f"the token is taken for {provider}"):
        answer = steps.verify_token_unique(token, provider)
        assert (answer.field, answer.unique, answer.provider) == ("token", False, provider), (
            f"verifytokenunique answered {answer}"
        )
    with steps.step("the same token is free for every other provider"):
        for other in PROVIDERS:
            if other != provider:
                answer = steps.verify_token_unique(token, other)
                assert (answer.unique, answer.provider) == (True, other), (
                    f"{other} answered {answer}"
                )
    with steps.step("a token never connected is free"):
        assert steps.verify_token_unique(steps.connector_token(), provider).unique, (
            "verifytokenunique: a fresh token is reported as taken"
        )


def test_taken_connector_token_is_refused_at_registration(steps):
    holder = steps.register_with_provider("facebook").user
    with steps.step("register another user with the same facebook token"):
        steps.refused(
            steps.attempt_registration_with_provider("facebook", holder.connector_token),
            rule="register: a connected token answers 409",
            statuses=(CONFLICT,),
        )
    steps.register_with_provider("google", holder.connector_token)
