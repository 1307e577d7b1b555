"""Flow register-authorize-login: a new user registers on a domain without AutoAuthorize,
the mail with the token arrives, the link authorizes the account, the user logs in, the
profile shows the details sent, and after logging out the profile is refused.

The mailed token works once: a second use, a token never mailed, and an expired one are
refused; a login before the account is authorized is refused.
"""

import pytest

from nexx_conformance.status import CONFLICT, FORBIDDEN, NOT_FOUND

pytestmark = pytest.mark.flow("register-authorize-login")

DETAILS = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "gender": "female",
    "birthday": "1990-12-10",
    "language": "en",
    "country": "GB",
    "newsletter": 1,
}


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_registered_user_confirms_mail_and_logs_in(steps):
    registration = steps.register(**DETAILS)
    user = registration.user
    with steps.step("the registration waits for the mail: not logged in, not authorized"):
        assert not registration.logged_in, (
            "register: without AutoAuthorize the session stays anonymous"
        )
        assert registration.account.get("authorized") == 0, (
            f"register: `authorized` is {registration.account.get('authorized')!r}, not 0"
        )

    steps.authorize_by_mail(user)
    session = steps.logged_in(user)
    steps.profile_shows(session, user, **DETAILS)

    steps.log_out(session)
    with steps.step("the profile is refused after logout"):
        steps.refused(
            session.get("user/profile"),
            rule="profile: needs a logged-in user (403)",
            statuses=(FORBIDDEN,),
        )


def test_login_before_authorizing_is_refused(steps):
    user = steps.register().user
    early = steps.log_in(user)
    with steps.step("the login before opening the mailed link is refused"):
        steps.refused(
            early.answer,
            rule="login: an account waits for its authorization mail (403)",
            statuses=(FORBIDDEN,),
        )
    with steps.step("the session is still anonymous"):
        steps.refused(
            early.session.get("user/profile"),
            rule="profile: needs a logged-in user (403)",
            statuses=(FORBIDDEN,),
        )


def test_authorization_token_works_once(steps):
    user = steps.register().user
    with steps.step("authorize with the mailed token"):
        token = steps.mailed_token(user.email, "authorize")
        steps.authorize_account(user, token)
    with steps.step("the same token a second time is refused"):
        steps.refused(
            steps.authorize(token), rule="authorize: a used token answers 409", statuses=(CONFLICT,)
        )
    steps.logged_in(user)


def test_token_never_mailed_is_refused(steps):
    with steps.step("authorize with a well-formed token nobody was mailed"):
        steps.refused(
            steps.authorize(steps.token_never_mailed()),
            rule="authorize: an unknown token answers 404",
            statuses=(NOT_FOUND,),
        )


def test_expired_token_is_refused(steps):
    # Decision (contracts/paths/account.yaml#/authorize): the lifetime is the target's, and an
    # expired token is answered exactly like one never mailed, which every target is checked
    # for above. Aging a token needs the target's clock or database.
    pytest.skip(
        "an expired token cannot be produced from outside: the contract sets no lifetime "
        "a test could wait out and offers no way to age a token; it answers like an "
        "unknown one (test_token_never_mailed_is_refused); the expiry itself is tested "
        "on the reference server (tests/reference/test_registration.py)"
    )
