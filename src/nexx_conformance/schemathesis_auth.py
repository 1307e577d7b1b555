"""Signing and sessions for schemathesis cases, shared by the CLI hooks and the pytest tests.

Each case is signed for its own operation (X-Request-Token depends on it), gets the session
its operation's `x-nexx-session` asks for, and is sent to the domain the sessions belong to.
"""

from __future__ import annotations

import itertools
import os
import secrets
from dataclasses import dataclass, field

from schemathesis.core.parameters import ParameterLocation

from nexx_conformance import constants as c
from nexx_conformance.client import NexxClient, Session, SessionError
from nexx_conformance.config import ConfigError, parse_domain_id
from nexx_conformance.signing import operation_of, request_token
from nexx_conformance.users import User, UserRegistry, new_password, registered_user_id

# Operations that end or replace the session they run in get a session of their own,
# so they cannot log out the one every other case shares.
SESSION_CHANGING = ("login", "logout", "unregister")
# Operations that remove the user they run as: each case gets a throwaway user.
USER_ENDING = ("unregister",)
MAX_DOMAIN_ID = 2147483647


def sign_case(case, cid: str | None, domain_id: int, secret: str) -> None:
    """Put the domain, the session and the signature on a case, unless they are what the case
    means to get wrong: a negative case keeps its invalid domain id and its invalid session
    headers, so the server sees the request schemathesis judges."""
    negative_at = case.meta.is_negative_at if case.meta is not None else (lambda _: False)
    domain = (case.path_parameters or {}).get("domainid")
    if not (negative_at(ParameterLocation.PATH) and not is_domain_id(domain)):
        case.path_parameters = {**(case.path_parameters or {}), "domainid": domain_id}
    if cid is None or negative_at(ParameterLocation.HEADER):
        return
    case.headers = {**(case.headers or {}), "X-Request-CID": cid,
                    "X-Request-Token": request_token(operation_of(case.operation.path),
                                                     domain_id, secret)}


def is_domain_id(value) -> bool:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_DOMAIN_ID


def keeps_its_meaning(context, case) -> bool:
    """A schemathesis filter: drop negative path values that contain '%'. schemathesis puts
    them into the URL unencoded, the server decodes them, and what arrives may be valid after
    all ("rf%27%40s.dev" arrives as the email "rf'@s.dev"): a false ST201."""
    if case.meta is None or not case.meta.is_negative_at(ParameterLocation.PATH):
        return True
    return not any("%" in str(value) for value in (case.path_parameters or {}).values())


@dataclass
class NexxCaseAuth:
    """Opens sessions on `domain_id` and signs cases; `user` logs in for user operations.

    With `register_user` (an AutoAuthorize domain) the user is registered on first use, and
    every case of a USER_ENDING operation gets a throwaway user of its own; `remove_users`
    unregisters whatever of them is left, the way a pytest run removes its users.
    """

    domain_id: int
    secret: str = field(repr=False)
    user: User | None = None
    register_user: bool = False
    eternal_cid: str | None = field(default=None, repr=False)
    # No mailbox: the users registered here are authorized at once (AutoAuthorize).
    registered: UserRegistry = field(default_factory=UserRegistry, repr=False)
    _client: NexxClient | None = field(default=None, repr=False)
    _calls: itertools.count = field(default_factory=itertools.count, repr=False)
    _names: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)

    def client(self, base_url: str) -> NexxClient:
        if self._client is None or self._client.base_url != base_url.rstrip("/"):
            self._client = NexxClient(base_url, self.domain_id, self.secret)
        return self._client

    def session_kind(self, operation) -> str:
        return operation.definition.raw.get("x-nexx-session", "anonymous")

    def cache_key(self, operation) -> str:
        """One session per session kind; a fresh one for every case of an operation that
        changes or ends its session (a cached one would be logged out or its user gone)."""
        operation_id = operation_of(operation.path)
        kind = self.session_kind(operation)
        if operation_id in SESSION_CHANGING:
            return f"{kind}:{operation_id}:{next(self._calls)}"
        return kind

    def open_session(self, base_url: str, kind: str, operation_id: str = "") -> str | None:
        """The cid for a session of `kind`; None for operations that take no session."""
        if kind == "none":
            return None
        if kind == "eternal" and self.eternal_cid:
            return self.eternal_cid
        session = self.client(base_url).init()
        if kind == "user":
            if operation_id not in USER_ENDING:
                self._log_in(session, self._shared_user(session))
            elif self.register_user:
                self._log_in(session, self._register(session))
            # else: a given user (NEXX_USERNAME) is never unregistered; the case runs
            # anonymous and is expected to be refused.
        return session.cid

    def _shared_user(self, session: Session) -> User | None:
        if self.user is None and self.register_user:
            self.user = self._register(session)
        return self.user

    def _register(self, session: Session) -> User:
        # On an AutoAuthorize domain a registration is usable at once: no mail needed.
        name = f"qa_{secrets.token_hex(3)}st_{next(self._names)}"
        user = User(name, f"{name}@example.test", new_password(), self.domain_id)
        answer = session.post("user/register", **user.form())
        if answer.status != 201:
            raise SessionError("registering a schemathesis user failed", answer)
        # The cleanup recognises the user's own session by its id: a generated updatedata
        # may have changed its name and email since.
        user.user_id = registered_user_id(answer.fields)
        self.registered.track(user)
        return user

    def _log_in(self, session: Session, user: User | None) -> None:
        if user is None:
            return  # user operations then run anonymous and are expected to be refused
        answer = session.login(user.username, user.password)
        if not answer.ok:
            raise SessionError(f"logging in the schemathesis user {user.username} failed", answer)
        if user.cid is None:
            # Its first session stays logged in: the way back in when a later case changed
            # how it logs in (an authenticator app enrolled, a new password).
            user.cid = session.cid

    def sign(self, case, cid: str | None) -> None:
        sign_case(case, cid, self.domain_id, self.secret)

    def remove_users(self) -> list[str]:
        """Unregister the users registered here that a case has not removed; returns those
        that could not be removed, with the reason (nexx_conformance.user_removal)."""
        return self.registered.remove_all(self._client) if self._client is not None else []


def from_environment(environ=os.environ) -> NexxCaseAuth:
    """NEXX_DOMAIN_ID/NEXX_DOMAIN_SECRET, plus a user from NEXX_USERNAME/NEXX_PASSWORD or
    one registered on NEXX_DOMAIN_ID_AUTOAUTHORIZE (then that domain is the one tested)."""
    secret = environ.get(c.ENV["domain_secret"])
    if not secret:
        raise ConfigError(f"set {c.ENV['domain_secret']} (and {c.ENV['domain_id']}) for the nexx auth")
    domain_id = parse_domain_id(environ.get(c.ENV["domain_id"]), c.ENV["domain_id"], c.DEFAULT_DOMAIN_ID)
    eternal = environ.get(c.ENV["eternal_cid"])
    if environ.get("NEXX_USERNAME") and environ.get("NEXX_PASSWORD"):
        user = User(environ["NEXX_USERNAME"], None, environ["NEXX_PASSWORD"], domain_id)
        return NexxCaseAuth(domain_id, secret, user=user, eternal_cid=eternal)
    auto = environ.get(c.ENV_DOMAIN_AUTOAUTHORIZE)
    if auto:
        auto_id = parse_domain_id(auto, c.ENV_DOMAIN_AUTOAUTHORIZE, None)
        return NexxCaseAuth(auto_id, secret, register_user=True, eternal_cid=eternal)
    return NexxCaseAuth(domain_id, secret, eternal_cid=eternal)


class SchemathesisAuthProvider:
    """A schemathesis auth provider (get/set) around a NexxCaseAuth."""

    def __init__(self, auth: NexxCaseAuth) -> None:
        self.auth = auth

    def get(self, case, context):
        base_url = case.operation.schema.get_base_url()
        operation = context.operation
        return self.auth.open_session(base_url, self.auth.session_kind(operation),
                                      operation_of(operation.path))

    def set(self, case, data, context) -> None:
        self.auth.sign(case, data)


def cache_key(auth: NexxCaseAuth):
    """schemathesis' cache_by_key: one session per session kind (and per session-changing case)."""
    return lambda case, context: auth.cache_key(context.operation)
