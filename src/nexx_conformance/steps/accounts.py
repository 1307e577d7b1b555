"""Steps: register, authorize by mail, log in and out, read the profile."""

from __future__ import annotations

from dataclasses import dataclass

from nexx_conformance import constants as c
from nexx_conformance.client import Session, SessionError
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import CREATED, OK
from nexx_conformance.steps.base import Login, StepsBase
from nexx_conformance.users import User, registered_user_id


@dataclass
class Registration:
    """A registration the target accepted: the user (tracked for cleanup), the session it
    was sent on (logged in where the domain authorizes automatically) and the answer."""

    user: User
    session: Session
    answer: ApiResponse

    @property
    def logged_in(self) -> bool:
        return isinstance(self.answer.result, dict) and "loginstate" in self.answer.result


class Accounts(StepsBase):
    def user_details(self, domain_id: int | None = None) -> User:
        """A fresh identity (username, email, password, device) not registered yet."""
        user = self.users.details(domain_id)
        user.device = self.new_device()
        return user

    def register(self, user: User | None = None, *, domain: str = c.DOMAIN_MAIN,
                 **details) -> Registration:
        """Register `user` (a fresh identity by default) with extra `details` (firstname, ...)."""
        user = user or self.user_details(self.domain(domain))
        with self.step(f"register {user.name} on domain {user.domain_id}"):
            session = self.session(user.domain_id, user.device)
            answer = session.post("user/register", **user.form(**details))
            self.expect(answer, CREATED, rule="register: a new user is created (201)")
            registration = Registration(user, session, answer)
            result = answer.result if isinstance(answer.result, dict) else {}
            user.user_id = registered_user_id(result)
            user.needs_authorization = not registration.logged_in
            user.cid = session.cid if registration.logged_in else None
            user.phone = details.get("phone", user.phone)  # where the cleanup reads SMS codes
            self.users.track(user)
            return registration

    def authorize_by_mail(self, user: User, session: Session | None = None) -> ApiResponse:
        """Open the link of the user's authorization mail."""
        with self.step(f"authorize {user.name} with the token from the mail"):
            token = self.mailed_token(user.email, "authorize")
            session = session or self.session(user.domain_id, user.device)
            answer = session.post(f"user/authorize/{token}")
            self.expect(answer, OK, rule="authorize: the mailed token authorizes its account (200)")
            user.needs_authorization = False
            return answer

    def registered_user(self, *, domain: str = c.DOMAIN_MAIN, **details) -> User:
        """A registered user who may log in (authorized by mail unless the domain does it)."""
        registration = self.register(domain=domain, **details)
        if registration.user.needs_authorization:
            self.authorize_by_mail(registration.user, registration.session)
        return registration.user

    def log_in(self, user: User, *, device: str | None = None, password: str | None = None) -> Login:
        """Send a password login for `user` from `device` (the user's own by default).

        Asserts nothing: the caller says what it expects (logged in, held, refused)."""
        with self.step(f"log in as {user.name}" + (" from a new device" if device else "")):
            session = self.session(user.domain_id, device or user.device)
            answer = session.login(user.username or user.email, password or user.password)
            return Login(session, answer)

    def logged_in(self, user: User | None = None, **details) -> Session:
        """A session logged in as `user` (a new registered user by default) on its own device."""
        user = user or self.registered_user(**details)
        login = self.log_in(user)
        self.expect(login.answer, OK, rule="login: the right password logs in (200)")
        return login.session

    def log_in_from_new_device(self, user: User) -> Login:
        """A login from a device the user never used: held where a second factor is due."""
        return self.log_in(user, device=self.new_device())

    def log_out(self, session: Session) -> ApiResponse:
        with self.step("log out"):
            return self.expect(session.logout(), OK, rule="logout: a session logs out (200)")

    def profile(self, session: Session, **fields) -> dict:
        """The logged-in user's profile (GET /user/profile)."""
        with self.step("read the profile"):
            answer = self.expect(session.get("user/profile", **fields), OK,
                                 rule="profile: a logged-in user reads the own profile (200)")
            if not isinstance(answer.result, dict):
                raise SessionError("the profile is not an object", answer)
            return answer.result
