"""Flow register-anonymous: a user known by an email address only registers anonymously
and is logged in at once (`isanonymous` 1, no username, no mail to confirm).

A username is refused on this operation, and the same email address cannot register twice.
"""

import pytest

from nexx_conformance.status import BAD_REQUEST, CONFLICT

pytestmark = pytest.mark.flow("register-anonymous")


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_email_alone_registers_and_logs_in(steps):
    registration = steps.register_anonymous()
    user = registration.user
    with steps.step("the answer is the session, logged in as an anonymous user"):
        assert registration.logged_in, "registeranonymous: the session is logged in"
        account = registration.account
        assert account.get("isanonymous") == 1, (
            f"registeranonymous: isanonymous {account.get('isanonymous')!r}"
        )
        assert "username" not in account, "registeranonymous: an anonymous user has no username"
        assert (account.get("email") or "").lower() == user.email.lower(), (
            "registeranonymous: email differs"
        )
    profile = steps.profile(registration.session)
    with steps.step("the profile is the anonymous user's"):
        assert profile.get("isanonymous") == 1 and "username" not in profile, (
            f"profile: isanonymous {profile.get('isanonymous')!r}, username {profile.get('username')!r}"
        )
        assert (profile.get("email") or "").lower() == user.email.lower(), "profile: email differs"


def test_username_is_refused(steps):
    user = steps.anonymous_details()
    name = steps.user_details().username
    with steps.step("register anonymously with a username"):
        steps.refused(
            steps.attempt_anonymous_registration(user, username=name),
            rule="registeranonymous: `username` is not allowed (400)",
            statuses=(BAD_REQUEST,),
        )
    with steps.step("no account was made: the email address is still free"):
        assert steps.verify_account_details_unique(user.email).unique, (
            "registeranonymous: a refused registration left an account behind"
        )


def test_same_email_twice_is_refused(steps):
    user = steps.register_anonymous().user
    again = steps.anonymous_details()
    again.email = user.email
    with steps.step("register the same email address anonymously again"):
        steps.refused(
            steps.attempt_anonymous_registration(again),
            rule="registeranonymous: a registered email address answers 409",
            statuses=(CONFLICT,),
        )
