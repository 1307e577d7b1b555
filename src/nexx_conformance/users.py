"""The life of a test user: created, tracked, removed, counted.

`UserFactory.create` registers a user through a session (`register`); every user a run
makes is tracked (`UserRegistry`) the moment the target answers 201, a generated
registration too (`created_user`), with what its removal will need; `UserRegistry.remove_all`
unregisters them when the session ends (`remove_user`, below, says how each kind of user is
reached); `count_left` asks the bundled server who is still stored at the end.

Removal, cheapest way first:
  1. the session its registration logged in, while that session is still this user's;
  2. a login with what its test knew (the password, or the social connector token), from
     the user's own device: a device that passed a second factor is not held again;
  3. with a mailbox: the link of its authorization mail (an account whose mail was never
     confirmed cannot log in), else a password reset by mail (its test changed the
     password, or an anonymous account never had one); then a new login.
A login that is still held is completed with the user's second factors (held_login.py:
an app code, a security key's assertion, an SMS code from the SMS inbox).
A user the target no longer knows (its test unregistered it) needs nothing; that is
asked before any mail is waited for, and also without a mailbox.
Passwords and tokens are sent, never shown: a reason names statuses, not values.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest

from nexx_conformance.channels import Channel, NoMessage
from nexx_conformance.client import NexxClient, Session, SessionError
from nexx_conformance.envelope import ApiResponse, envelope_of, metadata_of, result_object_of
from nexx_conformance.held_login import completed, forget_old_texts, status_of
from nexx_conformance.status import ACCEPTED, CREATED, OK

# The contract operations that create a user (contracts/paths/account.yaml). A social
# registration is `register` with `provider` and the connector `token`.
USER_CREATING_OPERATIONS = ("register", "registeranonymous")


def new_password() -> str:
    """A password nobody used yet that fits the contract's rule (8-128, a letter and a digit)."""
    return f"Pw{secrets.token_hex(8)}9x"


@dataclass
class User:
    """A user this run created; the steps keep `password` current when they change it.

    `cid` is the session the registration logged in (anonymous registration, register on
    an AutoAuthorize domain); `needs_authorization` is set while the account waits for the
    link of its authorization mail. Secrets (password, session, connector token) have
    repr=False: a user is named in warnings, its secrets never are.
    """

    username: str | None
    email: str | None
    password: str | None = field(repr=False)
    domain_id: int
    user_id: int | None = None
    cid: str | None = field(default=None, repr=False)
    provider: str | None = None
    connector_token: str | None = field(default=None, repr=False)
    needs_authorization: bool = False
    # The device (nxp_devh) the user registered and logs in on: a login from it is not held
    # for a device code. A test that logs in elsewhere uses a new device hash.
    device: str | None = field(default=None, repr=False)
    # The second factors the user enrolled (an AuthenticatorApp, a SecurityKey): the
    # cleanup completes a held login with them, so such a user is still removed.
    second_factors: list = field(default_factory=list, repr=False)
    # Where its SMS codes go (a login held on an SMS two-factor domain); the cleanup reads
    # the code from the SMS inbox.
    phone: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.username or self.email or f"user #{self.user_id}"

    def form(self, **extra) -> dict:
        """The fields of POST /user/register (the phone only when the user has one)."""
        fields = {"username": self.username, "email": self.email, "password": self.password}
        if self.phone:
            fields["phone"] = self.phone
        return {**fields, **extra}


class UserRegistry:
    """Every user a test created; unregistered at the end of the session."""

    def __init__(self, mailbox: Channel | None = None, sms_inbox: Channel | None = None) -> None:
        self.users: list[User] = []
        # Where authorization and password reset mails arrive: without it, a user that
        # cannot log in with what we know cannot be reached.
        self.mailbox = mailbox
        # Where the SMS codes of a held login arrive (SMS two-factor domains).
        self.sms_inbox = sms_inbox

    def track(self, user: User) -> None:
        self.users.append(user)

    def remove_all(self, client: NexxClient) -> list[str]:
        """Unregister every tracked user; returns what could not be removed, with the reason."""
        leftovers = []
        while self.users:
            user = self.users.pop()
            try:
                reason = remove_user(client, user, self.mailbox, self.sms_inbox)
            except Exception as error:  # noqa: BLE001 - cleanup must reach every user
                reason = type(error).__name__
            if reason is not None:
                leftovers.append(f"{user.name} ({reason})")
        return leftovers


def register(session: Session, user: User, **extra) -> User:
    """Register `user` through `session` (POST user/register); its id is taken from the answer."""
    answer = session.post("user/register", **user.form(**extra))
    if answer.status != CREATED:
        raise SessionError(f"registering {user.username} failed", answer)
    # The cleanup recognises the user's own session by its id: a generated updatedata may
    # change its name and email.
    user.user_id = registered_user_id(answer.fields)
    return user


class UserFactory:
    """Makes unique users: username <name_prefix><n>, email <name_prefix><n>@example.test,
    tracked in `registry` for the cleanup."""

    def __init__(
        self,
        client: NexxClient,
        registry: UserRegistry,
        mailbox: Channel | None,
        name_prefix: str,
        autoauthorize_domains: set[int],
    ) -> None:
        self.client = client
        self.registry = registry
        self.mailbox = mailbox
        self.name_prefix = name_prefix
        self._numbers = itertools.count(1)
        self._autoauthorize = autoauthorize_domains

    def details(self, domain_id: int | None = None) -> User:
        """A fresh, unused identity (not registered yet)."""
        name = f"{self.name_prefix}{next(self._numbers)}"
        # Never printed (repr=False).
        return User(
            name, f"{name}@example.test", new_password(), domain_id or self.client.domain_id
        )

    def track(self, user: User) -> User:
        """Remember a user a test registered itself, so the session removes it."""
        self.registry.track(user)
        return user

    def forget(self, user: User) -> None:
        """A user its test removed itself: nothing is left for the cleanup."""
        if user in self.registry.users:
            self.registry.users.remove(user)

    def create(self, domain_id: int | None = None, *, authorize: bool = True, **extra) -> User:
        """Register a user (and confirm its mail unless the domain authorizes automatically)."""
        user = self.details(domain_id)
        # A device of its own: a later login from it is not held for a device code.
        user.device = secrets.token_hex(16)
        user.phone = extra.get("phone")
        session = self.client.for_domain(user.domain_id).init(nxp_devh=user.device)
        register(session, user, **extra)
        user.needs_authorization = user.domain_id not in self._autoauthorize
        self.track(user)
        if authorize and user.needs_authorization:
            if self.mailbox is None:
                pytest.skip("creating an authorized user needs a mailbox: pass --mailbox")
            token = self.mailbox.wait_for(user.email, "authorize").token
            confirmed = session.post(f"user/authorize/{token}")
            if not confirmed.ok:
                raise SessionError(f"authorizing {user.username} failed", confirmed)
            user.needs_authorization = False
        return user


def count_left(target) -> dict | None:
    """Who `target` still stores when the run ends: {"names": [...]}, {"error": "..."} when
    counting failed, or None for a target that cannot tell (URL, replay)."""
    if target is None or target.users is None:
        return None
    try:
        return {"names": target.users()}
    except Exception as error:  # noqa: BLE001 - a failed count is reported, not raised
        return {"error": f"{type(error).__name__}: {error}"}


def created_user(case, response, default_domain: int) -> User | None:
    """The user a generated case created, if its answer says it did (201 from an operation
    in USER_CREATING_OPERATIONS), with what removing it needs; no request is sent."""
    operation = case.operation.definition.raw.get("operationId")
    if operation not in USER_CREATING_OPERATIONS or response.status_code != CREATED:
        return None
    form = case.body if isinstance(case.body, dict) else {}
    envelope = envelope_of(response)
    result = result_object_of(envelope)
    logged_in = is_session(result)
    return User(
        username=text(form.get("username")),
        email=text(form.get("email")),
        password=text(form.get("password")),
        domain_id=domain_of(case, metadata_of(envelope)) or default_domain,
        user_id=registered_user_id(result),
        cid=text((result.get("general") or {}).get("cid")) if logged_in else None,
        provider=text(form.get("provider")),
        connector_token=text(form.get("token")),
        phone=text(form.get("phone")),
        needs_authorization=not logged_in and result.get("authorized") == 0,
    )


def is_session(result: dict[str, Any]) -> bool:
    """Whether a registration's result is the session it logged in (its `general`), not the
    itemupdate of a user registered without a login (the User page: "Instead, the API
    will return an itemupdate Object")."""
    return isinstance(result.get("general"), dict)


def registered_user_id(result: dict[str, Any]) -> int | None:
    """The new user's id in a registration's result (its fields, `fields_of`): the session's
    `user.ID` (the contract's), else its `general.uid` (a real session's) when it logged the
    session in; else the itemupdate's `ID`."""
    if is_session(result):
        user_id = (result.get("user") or {}).get("ID") or result["general"].get("uid")
    else:
        user_id = result.get("ID")
    return user_id if isinstance(user_id, int) and user_id > 0 else None


def domain_of(case, metadata: dict[str, Any]) -> int | None:
    # The case's path names the domain it was sent to; `forclient` (a real nexx system's
    # name) or `fordomain` (the docs') is the server's word.
    path_domain = (case.path_parameters or {}).get("domainid")
    for value in (path_domain, metadata.get("forclient"), metadata.get("fordomain")):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


def text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


# --- removal ---

# The authorization mail left while the registration was answered; Mailpit may lag a little.
AUTHORIZE_MAIL_WAIT = 5.0
# requestpass mails after answering (so its timing reveals nothing).
RESET_MAIL_WAIT = 10.0
NO_MAILBOX = "cannot log in: removed or re-passworded by its test, or never authorized"


def remove_user(
    client: NexxClient, user: User, mailbox: Channel | None, sms_inbox: Channel | None = None
) -> str | None:
    """Unregister `user`; None once it is gone, else why not."""
    domain = client.for_domain(user.domain_id)
    if user.cid and unregistered_through_own_session(domain.session(user.cid), user):
        return None
    session = domain.init(nxp_devh=user.device) if user.device else domain.init()
    forget_old_texts(user, sms_inbox)
    login = log_in(session, user)
    if login is not None and login.status in (OK, ACCEPTED):
        reason = logged_in(session, user, login, sms_inbox)
    elif not still_registered(session, user):
        # Gone already (its own test or case unregistered it): nothing to do, mailbox or not.
        return None
    elif mailbox is None:
        reason = NO_MAILBOX
    else:
        reason = log_in_by_mail(session, user, mailbox, sms_inbox)
    if reason is not None:
        return reason
    answer = session.delete("user/unregister")
    return None if answer.ok else f"unregister answered {status_of(answer)}"


def unregistered_through_own_session(session: Session, user: User) -> bool:
    # The session may since have logged out, or in as another user (a second anonymous
    # registration on the same session): only this user's own session may unregister it.
    profile = session.get("user/profile")
    if profile.status != OK or not isinstance(profile.result, dict):
        return False
    if user.user_id is not None:
        mine = profile.result.get("ID") == user.user_id
    else:
        mine = same_text(profile.result.get("email"), user.email)
    return mine and session.delete("user/unregister").ok


def log_in(session: Session, user: User) -> ApiResponse | None:
    """The answer to a login with what the test knew; None when it knew nothing to log in with."""
    answer = None
    if user.password and (user.username or user.email):
        answer = session.login(user.username or user.email, user.password)
        if answer.status in (OK, ACCEPTED):  # held: the password was right
            return answer
    if user.provider and user.connector_token:
        answer = session.post("session/login", provider=user.provider, token=user.connector_token)
    return answer


def still_registered(session: Session, user: User) -> bool:
    name = user.email or user.username
    if not name:
        return True
    answer = session.post(f"user/verifyaccountdetailsunique/{quote(name, safe='@')}")
    free = (
        answer.status == OK and isinstance(answer.result, dict) and answer.result.get("unique") == 1
    )
    return not free


def log_in_by_mail(
    session: Session, user: User, mailbox: Channel, sms_inbox: Channel | None = None
) -> str | None:
    """Logs `session` in through the mailbox; None on success, else why it failed."""
    if not user.email:
        return "cannot log in, and has no email address to reach it by mail"
    wait = AUTHORIZE_MAIL_WAIT if user.needs_authorization else 0.0
    if authorized_by_mail(session, user.email, mailbox, wait):
        user.needs_authorization = False
        login = log_in(session, user)
        if login is not None and login.status in (OK, ACCEPTED):
            return logged_in(session, user, login, sms_inbox)
    elif user.needs_authorization:
        return "never authorized, and no usable authorization mail arrived"
    password = new_password()
    if not reset_by_mail(session, user.email, mailbox, password):
        return "cannot log in, and no usable password reset mail arrived"
    user.password = password
    login = session.login(user.email, password)
    if login.status in (OK, ACCEPTED):
        return logged_in(session, user, login, sms_inbox)
    return f"login after a password reset answered {status_of(login)}"


def logged_in(
    session: Session, user: User, login: ApiResponse, sms_inbox: Channel | None
) -> str | None:
    """None when `login` logged the session in, completing it if it is held; else why not."""
    return completed(session, user, login, sms_inbox) if login.status == ACCEPTED else None


def authorized_by_mail(session: Session, email: str, mailbox: Channel, wait: float) -> bool:
    token = mailed_token(mailbox, email, "authorize", wait)
    return token is not None and session.post(f"user/authorize/{token}").ok


def reset_by_mail(session: Session, email: str, mailbox: Channel, password: str) -> bool:
    if not session.get("user/requestpass", token=email).ok:
        return False
    token = mailed_token(mailbox, email, "resetpassword", RESET_MAIL_WAIT)
    return (
        token is not None and session.post(f"user/resetpassword/{token}", newpassword=password).ok
    )


def mailed_token(mailbox: Channel, email: str, kind: str, wait: float) -> str | None:
    try:
        return mailbox.wait_for(email, kind, timeout=wait).token
    except NoMessage:
        return None


def same_text(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()
