"""Flow register-auto-authorize: on a domain with AutoAuthorize a registration logs the
session in at once, with no mail to confirm, and a welcome mail follows.

`skipLogin=1` and `isPreRegister=1` register an authorized account but answer without a
session (an itemupdate); a pre-registration gets the `preregister` mail instead of the
welcome mail, as its platform is not live yet.
"""

import pytest

from nexx_conformance import constants as c
from nexx_conformance.status import FORBIDDEN

pytestmark = pytest.mark.flow("register-auto-authorize")


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_registration_logs_in_at_once(steps):
    registration = steps.register(domain=c.DOMAIN_AUTOAUTHORIZE, firstname="Grace", newsletter=1)
    user = registration.user
    with steps.step("the answer is the session, logged in as the new user"):
        assert registration.logged_in, "register: with AutoAuthorize the session is logged in"
        assert registration.result.get("loginstate") == "logged-in", (
            f"register: loginstate {registration.result.get('loginstate')!r}"
        )
        account = registration.account
        assert (account.get("username"), account.get("firstname"), account.get("newsletter")) == (
            user.username,
            "Grace",
            1,
        ), f"register: the session's user is {account!r}"
    steps.profile_shows(registration.session, user, firstname="Grace", newsletter=1)
    with steps.step("a welcome mail arrives"):
        steps.mail(user.email, "welcome")


@pytest.mark.parametrize(
    "flag, status, mail",
    [
        pytest.param("skipLogin", "registered", "welcome", id="skipLogin-gets-the-welcome-mail"),
        pytest.param(
            "isPreRegister",
            "preregistered",
            "preregister",
            id="isPreRegister-gets-the-preregister-mail",
        ),
    ],
)
def test_flag_answers_without_a_session(steps, flag, status, mail):
    registration = steps.register(domain=c.DOMAIN_AUTOAUTHORIZE, **{flag: 1})
    user = registration.user
    with steps.step(f"with {flag}=1 the answer is an itemupdate of an authorized account"):
        assert not registration.logged_in, f"register: {flag}=1 must not log the session in"
        account = registration.account
        assert (account.get("status"), account.get("authorized")) == (status, 1), (
            f"register: status {account.get('status')!r}, authorized {account.get('authorized')!r}"
        )
    with steps.step("the session stays anonymous"):
        steps.refused(
            registration.session.get("user/profile"),
            rule="profile: needs a logged-in user (403)",
            statuses=(FORBIDDEN,),
        )
    with steps.step(f"the {mail} mail arrives"):
        steps.mail(user.email, mail)
    # Authorized already: no mail to confirm before the password works.
    steps.logged_in(user)
