"""Registration: a new user confirms the mail, logs in, reads the profile and logs out.

The model for every scenario: one flow per module, tests named by their outcome,
each step named, values handed from step to step.
"""

from nexx_conformance.client import Session

OK = 200
CREATED = 201
NOT_FOUND = 404
CONFLICT = 409
FORBIDDEN = 403  # the contract's answer to the wrong session kind (anonymous)


def profile_username(result) -> str | None:
    """The username in a profile result, wherever the contract nests it."""
    if not isinstance(result, dict):
        return None
    return result.get("username") or (result.get("general") or {}).get("username")


def register_new_user(session: Session, user_factory, step):
    """Step "register a new user": a user the target created, tracked for removal at the end."""
    user = user_factory.details()
    with step("register a new user"):
        registration = session.post("user/register", **user.form())
        assert registration.status == CREATED, registration.describe()
        user_factory.track(user)
    return user


def test_registered_user_confirms_mail_and_logs_in(
    anonymous_session: Session, mailbox, user_factory, step
):
    user = register_new_user(anonymous_session, user_factory, step)

    with step("the authorization mail arrives"):
        mail = mailbox.wait_for(user.email, "authorize")
        assert mail.token, f"the authorize mail carries no /authorize/<token> link: {mail}"

    with step("a login before authorizing is refused"):
        early = anonymous_session.login(user.username, user.password)
        assert not early.ok, f"login succeeded before the mail was confirmed: {early.describe()}"

    with step("authorize with the token from the mail"):
        authorized = anonymous_session.post(f"user/authorize/{mail.token}")
        assert authorized.status == OK, authorized.describe()

    with step("log in"):
        login = anonymous_session.login(user.username, user.password)
        assert login.status == OK, login.describe()

    with step("the profile is the new user's"):
        profile = anonymous_session.get("user/profile")
        assert profile.status == OK, profile.describe()
        assert profile_username(profile.result) == user.username, profile.describe()

    with step("log out"):
        logout = anonymous_session.logout()
        assert logout.status == OK, logout.describe()

    with step("the profile is no longer readable"):
        after = anonymous_session.get("user/profile")
        assert after.status == FORBIDDEN, after.describe()


def test_authorization_token_cannot_be_used_twice(
    anonymous_session: Session, mailbox, user_factory, step
):
    user = register_new_user(anonymous_session, user_factory, step)

    with step("authorize with the token from the mail"):
        token = mailbox.wait_for(user.email, "authorize").token
        first = anonymous_session.post(f"user/authorize/{token}")
        assert first.status == OK, first.describe()

    with step("the same token a second time is refused"):
        second = anonymous_session.post(f"user/authorize/{token}")
        assert second.status in (NOT_FOUND, CONFLICT), second.describe()
        assert second.errorhint, "a refused authorize must say why (metadata.errorhint)"
