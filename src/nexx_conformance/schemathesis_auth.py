"""Signing and sessions for schemathesis cases, shared by the CLI hooks and the pytest tests.

Each case is signed for its own operation (X-Request-Token depends on it), gets the session
its operation's `x-nexx-session` asks for, and is sent to the domain the sessions belong to.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from nexx_conformance import constants as c
from nexx_conformance.client import NexxClient, Session, SessionError
from nexx_conformance.config import ConfigError, parse_domain_id
from nexx_conformance.signing import operation_of, request_token

# Operations that end or replace the session they run in get a session of their own,
# so they cannot log out the one every other case shares.
SESSION_CHANGING = ("login", "logout", "unregister")


@dataclass
class Credentials:
    username: str
    password: str = field(repr=False)


@dataclass
class NexxCaseAuth:
    """Opens sessions on `domain_id` and signs cases; `user` logs in for user operations."""

    domain_id: int
    secret: str = field(repr=False)
    user: Credentials | None = None
    register_user: bool = False
    eternal_cid: str | None = field(default=None, repr=False)
    _client: NexxClient | None = field(default=None, repr=False)

    def client(self, base_url: str) -> NexxClient:
        if self._client is None or self._client.base_url != base_url.rstrip("/"):
            self._client = NexxClient(base_url, self.domain_id, self.secret)
        return self._client

    def session_kind(self, operation) -> str:
        return operation.definition.raw.get("x-nexx-session", "anonymous")

    def cache_key(self, operation) -> str:
        operation_id = operation_of(operation.path)
        kind = self.session_kind(operation)
        return f"{kind}:{operation_id}" if operation_id in SESSION_CHANGING else kind

    def open_session(self, base_url: str, kind: str) -> str | None:
        """The cid for a session of `kind`; None for operations that take no session."""
        if kind == "none":
            return None
        if kind == "eternal" and self.eternal_cid:
            return self.eternal_cid
        session = self.client(base_url).init()
        if kind == "user":
            self._log_in(session)
        return session.cid

    def _log_in(self, session: Session) -> None:
        if self.user is None and self.register_user:
            # On an AutoAuthorize domain a registration is usable at once: no mail needed.
            name = f"qa_{secrets.token_hex(3)}st_1"
            self.user = Credentials(name, f"Pw{secrets.token_hex(8)}9x")
            answer = session.post("user/register", username=name, email=f"{name}@example.test",
                                  password=self.user.password)
            if answer.status != 201:
                raise SessionError("registering the schemathesis user failed", answer)
        if self.user is None:
            return  # user operations then run anonymous and are expected to be refused
        answer = session.login(self.user.username, self.user.password)
        if not answer.ok:
            raise SessionError("logging in the schemathesis user failed", answer)

    def sign(self, case, cid: str | None) -> None:
        """Put domain, session and signature on the case, for its own operation."""
        case.headers = dict(case.headers or {})
        # A negative case mutated a component on purpose (dropped the signature headers, an
        # out-of-range domain id): repairing it would turn an expected rejection into a 200.
        negative = negative_components(case)
        domain = (case.path_parameters or {}).get("domainid")
        if "path" not in negative and (domain is None or _is_positive_int(domain)):
            case.path_parameters = {**(case.path_parameters or {}), "domainid": self.domain_id}
        if cid is not None and "header" not in negative:
            case.headers["X-Request-CID"] = cid
            case.headers["X-Request-Token"] = request_token(
                operation_of(case.operation.path), self.domain_id, self.secret)


def negative_components(case) -> set[str]:
    """The locations ("path", "header", ...) schemathesis generated as invalid for this case."""
    meta = getattr(case, "_meta", None)
    if meta is None:
        return set()
    return {str(location.value) for location, info in meta.components.items()
            if info.mode.is_negative}


def _is_positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1 or (
        isinstance(value, str) and value.isdigit() and int(value) >= 1)


def from_environment(environ=os.environ) -> NexxCaseAuth:
    """NEXX_DOMAIN_ID/NEXX_DOMAIN_SECRET, plus a user from NEXX_USERNAME/NEXX_PASSWORD or
    one registered on NEXX_DOMAIN_ID_AUTOAUTHORIZE (then that domain is the one tested)."""
    secret = environ.get(c.ENV["domain_secret"])
    if not secret:
        raise ConfigError(f"set {c.ENV['domain_secret']} (and {c.ENV['domain_id']}) for the nexx auth")
    domain_id = parse_domain_id(environ.get(c.ENV["domain_id"]), c.ENV["domain_id"], c.DEFAULT_DOMAIN_ID)
    eternal = environ.get(c.ENV["eternal_cid"])
    if environ.get("NEXX_USERNAME") and environ.get("NEXX_PASSWORD"):
        user = Credentials(environ["NEXX_USERNAME"], environ["NEXX_PASSWORD"])
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
        return self.auth.open_session(base_url, self.auth.session_kind(context.operation))

    def set(self, case, data, context) -> None:
        self.auth.sign(case, data)


def cache_key(auth: NexxCaseAuth):
    """schemathesis' cache_by_key: one session per session kind (and per session-changing op)."""
    return lambda case, context: auth.cache_key(context.operation)
