"""Flow register-authorize-login: a new user confirms the mail, logs in, reads the profile
and logs out; the mailed token works once; a login before authorizing is refused."""

import pytest

from nexx_conformance.status import FORBIDDEN, OK, REFUSED_TOKEN

pytestmark = pytest.mark.flow("register-authorize-login")


def test_registered_user_confirms_mail_and_logs_in(steps):
    registration = steps.register(firstname="Ada", lastname="Lovelace")
    user = registration.user

    with steps.step("a login before authorizing is refused"):
        early = steps.log_in(user)
        steps.refused(early.answer, rule="login: an account waits for its authorization mail")

    steps.authorize_by_mail(user)
    session = steps.logged_in(user)

    with steps.step("the profile shows the details sent"):
        profile = steps.profile(session)
        assert profile.get("username") == user.username, f"profile username {profile.get('username')!r}"
        assert (profile.get("email") or "").lower() == user.email.lower(), "profile email differs"
        assert profile.get("firstname") == "Ada" and profile.get("lastname") == "Lovelace", (
            f"profile names {profile.get('firstname')!r} {profile.get('lastname')!r}")

    steps.log_out(session)
    with steps.step("the profile is refused after logout"):
        steps.refused(session.get("user/profile"), rule="profile: needs a logged-in user",
                      statuses=(FORBIDDEN,))


def test_authorization_token_works_once(steps):
    user = steps.register().user
    with steps.step("authorize with the mailed token"):
        token = steps.mailed_token(user.email, "authorize")
        session = steps.session(user.domain_id, user.device)
        steps.expect(session.post(f"user/authorize/{token}"), OK, rule="authorize: the token works")
        user.needs_authorization = False
    with steps.step("the same token a second time is refused"):
        steps.refused(session.post(f"user/authorize/{token}"),
                      rule="authorize: a mailed token is single-use", statuses=REFUSED_TOKEN)
