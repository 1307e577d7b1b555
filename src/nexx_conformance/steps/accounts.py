"""Steps: register (manual, social, anonymous), authorize by mail, check uniqueness,
log in and out, read the profile."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import quote

from nexx_conformance import constants as c
from nexx_conformance.client import Session, SessionError
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import CREATED, OK
from nexx_conformance.steps.base import Login, StepsBase
from nexx_conformance.users import User, is_session, registered_user_id


@dataclass
class Registration:
    """A registration and its answer: the user (tracked for cleanup once created), the
    session it was sent on (logged in where the domain authorizes automatically)."""

    user: User
    session: Session
    answer: ApiResponse

    @property
    def result(self) -> dict:
        return self.answer.fields

    @property
    def logged_in(self) -> bool:
        """The answer is the session, logged in as the new user (else an itemupdate)."""
        return is_session(self.result)

    @property
    def account(self) -> dict:
        """The new account as the answer shows it: the session's user, or the itemupdate."""
        return (self.result.get("user") or {}) if self.logged_in else self.result


@dataclass(frozen=True)
class Uniqueness:
    """The answer of verifyaccountdetailsunique or verifytokenunique."""

    field: str | None
    unique: bool
    provider: str | None = None


class Accounts(StepsBase):
    def user_details(self, domain_id: int | None = None, *, email_tag: str | None = None) -> User:
        """A fresh identity (username, email, password, device) not registered yet.

        `email_tag` is added to the mailbox name (`<name>.<tag>@...`), for a test that needs
        letters of its own in the address (the generated name is lower case throughout)."""
        user = self.users.details(domain_id)
        user.device = self.new_device()
        if email_tag:
            mailbox_name, host = user.email.split("@")
            user.email = f"{mailbox_name}.{email_tag}@{host}"
        return user

    def register(
        self, user: User | None = None, *, domain: str = c.DOMAIN_MAIN, **details
    ) -> Registration:
        """Register `user` (a fresh identity by default) with extra `details` (firstname, ...)."""
        user = user or self.user_details(self.domain(domain))
        with self.step(f"register {user.name} on domain {user.domain_id}"):
            registration = self._sent(user, "user/register", user.form(**details))
            self.expect(registration.answer, CREATED, rule="register: a new user is created (201)")
            return registration

    def attempt_registration(self, user: User, **details) -> ApiResponse:
        """Send POST /user/register for `user`; asserts nothing (the caller expects a
        refusal), but a user the target created all the same is tracked for the cleanup."""
        with self.step(f"try to register {user.name} on domain {user.domain_id}"):
            return self._sent(user, "user/register", user.form(**details)).answer

    def register_with_provider(
        self, provider: str, token: str | None = None, *, domain: str = c.DOMAIN_MAIN
    ) -> Registration:
        """Register a user of a social login `provider` with a connector `token` (a fresh one
        by default); no password: the user logs in with the connector."""
        user = self.social_details(provider, token, self.domain(domain))
        with self.step(f"register {user.name} through {provider}"):
            registration = self._sent(user, "user/register", self._social_form(user))
            self.expect(
                registration.answer,
                CREATED,
                rule="register: a social registration with connector token and email (201)",
            )
            return registration

    def attempt_registration_with_provider(self, provider: str, token: str) -> ApiResponse:
        """Send a social registration of a fresh user with `token`; asserts nothing."""
        user = self.social_details(provider, token, self.domain())
        with self.step(f"try to register {user.name} through {provider}"):
            return self._sent(user, "user/register", self._social_form(user)).answer

    def social_details(self, provider: str, token: str | None, domain_id: int) -> User:
        """A fresh identity of a social login: provider and connector token, no password."""
        user = self.user_details(domain_id)
        user.password, user.provider = None, provider
        user.connector_token = token or self.connector_token()
        return user

    @staticmethod
    def _social_form(user: User) -> dict:
        return {
            "username": user.username,
            "email": user.email,
            "provider": user.provider,
            "token": user.connector_token,
        }

    @staticmethod
    def connector_token() -> str:
        """A connector token no account was connected with (contract: ConnectorToken)."""
        return f"qa.{secrets.token_urlsafe(24)}"

    def register_anonymous(self, **details) -> Registration:
        """Register an anonymous user known by a fresh email address only (plus `details`)."""
        user = self.anonymous_details()
        with self.step(f"register {user.email} anonymously"):
            registration = self._sent(
                user, "user/registeranonymous", {"email": user.email, **details}
            )
            self.expect(
                registration.answer,
                CREATED,
                rule="registeranonymous: an email address alone registers and logs in (201)",
            )
            return registration

    def anonymous_details(self) -> User:
        """A fresh identity with an email address only."""
        user = self.user_details()
        user.username = user.password = None
        return user

    def attempt_anonymous_registration(self, user: User, **details) -> ApiResponse:
        """Send POST /user/registeranonymous with the user's email; asserts nothing."""
        with self.step(f"try to register {user.email} anonymously"):
            return self._sent(
                user, "user/registeranonymous", {"email": user.email, **details}
            ).answer

    def _sent(self, user: User, path: str, fields: dict) -> Registration:
        session = self.session(user.domain_id, user.device)
        registration = Registration(user, session, session.post(path, **fields))
        # Tracked on every 201, also one the test did not expect, so the cleanup removes it.
        if registration.answer.status == CREATED:
            user.user_id = registered_user_id(registration.result)
            user.cid = session.cid if registration.logged_in else None
            # Not logged in: the itemupdate says whether the account waits for its mail.
            user.needs_authorization = (
                not registration.logged_in and registration.result.get("authorized") != 1
            )
            user.phone = fields.get("phone", user.phone)  # where the cleanup reads SMS codes
            self.users.track(user)
        return registration

    def authorize_by_mail(self, user: User, session: Session | None = None) -> ApiResponse:
        """Open the link of the user's authorization mail."""
        with self.step(f"authorize {user.name} with the token from the mail"):
            return self._authorized(user, self.mailed_token(user.email, "authorize"), session)

    def authorize_account(
        self, user: User, token: str, session: Session | None = None
    ) -> ApiResponse:
        """Authorize `user` with `token`: it must work, and for this user's account."""
        with self.step(f"authorize {user.name} with a token"):
            return self._authorized(user, token, session)

    def _authorized(self, user: User, token: str, session: Session | None) -> ApiResponse:
        session = session or self.session(user.domain_id, user.device)
        answer = self._send_authorize(token, session)
        self.expect(answer, OK, rule="authorize: the mailed token authorizes its account (200)")
        authorized = answer.fields.get("ID")
        if user.user_id is not None and authorized != user.user_id:
            raise AssertionError(
                f"authorize: the token authorized account {authorized}, "
                f"not {user.name}'s ({user.user_id})"
            )
        user.needs_authorization = False
        return answer

    def authorize(self, token: str, session: Session | None = None) -> ApiResponse:
        """Send /user/authorize/{token}; asserts nothing."""
        with self.step("send a token to /user/authorize"):
            return self._send_authorize(token, session)

    def _send_authorize(self, token: str, session: Session | None) -> ApiResponse:
        return (session or self.session()).post(f"user/authorize/{token}")

    @staticmethod
    def token_never_mailed() -> str:
        """A well-formed mail token (contract: MailToken) the target never issued."""
        return secrets.token_urlsafe(32)

    def verify_account_details_unique(self, item: str, domain_id: int | None = None) -> Uniqueness:
        """Whether a username or email address is still free (verifyaccountdetailsunique)."""
        with self.step(f"is {item} free? (verifyaccountdetailsunique)"):
            answer = self.session(domain_id).post(
                f"user/verifyaccountdetailsunique/{quote(item, safe='@')}"
            )
            return self._uniqueness(
                answer,
                "verifyaccountdetailsunique: a free or taken value is answered with `unique` (200)",
            )

    def verify_token_unique(
        self, token: str, provider: str, domain_id: int | None = None
    ) -> Uniqueness:
        """Whether a connector token of `provider` is still free (verifytokenunique)."""
        with self.step(f"is the {provider} token free? (verifytokenunique)"):
            answer = self.session(domain_id).post(
                f"user/verifytokenunique/{quote(token, safe='')}", provider=provider
            )
            return self._uniqueness(
                answer, "verifytokenunique: a free or taken token is answered with `unique` (200)"
            )

    def _uniqueness(self, answer: ApiResponse, rule: str) -> Uniqueness:
        self.expect(answer, OK, rule=rule)
        result = answer.fields
        return Uniqueness(result.get("field"), result.get("unique") == 1, result.get("provider"))

    def email_in_other_case(self, email: str) -> str:
        """`email` with the case of its letters swapped, except in the generated run prefix
        (cassettes and their matchers know generated names in lower case only)."""
        prefix = self.users.name_prefix
        if email.startswith(prefix):
            return prefix + email[len(prefix) :].swapcase()
        return email.swapcase()

    def registered_user(self, *, domain: str = c.DOMAIN_MAIN, **details) -> User:
        """A registered user who may log in (authorized by mail unless the domain does it)."""
        registration = self.register(domain=domain, **details)
        if registration.user.needs_authorization:
            self.authorize_by_mail(registration.user, registration.session)
        return registration.user

    def log_in(
        self, user: User, *, device: str | None = None, password: str | None = None
    ) -> Login:
        """Send a password login for `user` from `device` (the user's own by default).

        Asserts nothing: the caller says what it expects (logged in, held, refused)."""
        with self.step(f"log in as {user.name}" + (" from a new device" if device else "")):
            return self._log_in(user, device, password)

    def _log_in(self, user: User, device: str | None, password: str | None = None) -> Login:
        session = self.session(user.domain_id, device or user.device)
        answer = session.login(user.username or user.email, password or user.password)
        return Login(session, answer)

    def logged_in(self, user: User | None = None, **details) -> Session:
        """A session logged in as `user` (a new registered user by default) on its own device."""
        user = user or self.registered_user(**details)
        with self.step(f"log in as {user.name}"):
            login = self._log_in(user, None)
            self.expect(login.answer, OK, rule="login: the right password logs in (200)")
            return login.session

    def log_in_from_new_device(self, user: User) -> Login:
        """A login from a device the user never used: held where a second factor is due."""
        return self.log_in(user, device=self.new_device())

    def logged_in_on_new_device(self, user: User) -> Session:
        """A new session of `user`, logged in from a device the user never used (a second
        phone or laptop); fails where the login is held for a second factor."""
        with self.step(f"log in as {user.name} on a new device"):
            login = self._log_in(user, self.new_device())
            self.expect(
                login.answer, OK, rule="login: the right password logs in on a new device (200)"
            )
            return login.session

    def log_out(self, session: Session) -> ApiResponse:
        """Log the session out (POST /session/logout)."""
        with self.step("log out"):
            return self.expect(session.logout(), OK, rule="logout: a session logs out (200)")

    def profile(self, session: Session, **fields) -> dict:
        """The logged-in user's profile (GET /user/profile)."""
        with self.step("read the profile"):
            answer = self.expect(
                session.get("user/profile", **fields),
                OK,
                rule="profile: a logged-in user reads the own profile (200)",
            )
            if not isinstance(answer.result, dict):
                raise SessionError("the profile is not an object", answer)
            return answer.result

    def profile_shows(self, session: Session, user: User, **details) -> dict:
        """The profile, if it is `user`'s and shows each of `details` as sent (and never the
        password)."""
        profile = self.profile(session)
        with self.step("the profile shows the details sent"):
            shown = {
                "username": profile.get("username"),
                "email": (profile.get("email") or "").lower(),
                **{name: profile.get(name) for name in details},
            }
            sent = {"username": user.username, "email": (user.email or "").lower(), **details}
            differ = {name: (sent[name], shown[name]) for name in sent if sent[name] != shown[name]}
            assert not differ, "profile: fields differ from what was sent (sent, shown): " + repr(
                differ
            )
            assert not user.password or user.password not in repr(profile), (
                "profile: the answer shows the user's password"
            )
            return profile
