"""The call context and its authorization, decided in one place for every operation.

Order of the checks, the same on every call (docs/conventions.md, Statuses):
  1. domain      unknown domain id                          -> 404
  2. signature   X-Request-CID / X-Request-Token missing or wrong,
                 session unknown or expired                  -> 401
  3. input       a parameter breaks the contract             -> 400
  4. session     wrong session kind (x-nexx-session) or an
                 eternal-only parameter from another session -> 403
  5. the operation's own domain rules (404, 409, ...)
Input comes before the session kind on purpose: a signed call with bad input gets 400
whatever its session, so negative tests see the input rule, not a 403 that hides it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from . import clock, faults
from .contract import Operation
from .domain import sessions
from .envelope import ApiError, Reply
from .mail import Mailer
from .passwords import Passwords
from .settings import DomainSettings, Settings
from .sms import SmsSender
from .storage import Database


@dataclass(frozen=True)
class Services:
    """Everything a handler may use besides its call: configuration, storage, channels."""

    settings: Settings
    db: Database
    mail: Mailer
    sms: SmsSender
    passwords: Passwords


@dataclass(frozen=True)
class Caller:
    """Who is calling: a session of the domain, or the eternal (backend) session."""

    session: sessions.Session | None  # None for /session/init and the eternal session
    eternal: bool = False

    @property
    def user_id(self) -> int | None:
        if self.session is None:
            return None
        if self.session.user_id is None and faults.active("held-login-counts-as-user"):
            return self.session.pending_user_id
        return self.session.user_id


@dataclass(frozen=True)
class Call:
    """One authorized, validated call, as a handler sees it."""

    operation: Operation
    domain: DomainSettings
    caller: Caller
    params: Mapping[str, Any]
    services: Services

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def session(self) -> sessions.Session | None:
        return self.caller.session

    @property
    def user_id(self) -> int:
        """The logged-in user; only call this in operations whose session kind is `user`."""
        if self.caller.user_id is None:
            raise ApiError(HTTPStatus.FORBIDDEN, "this operation needs a logged-in user")
        return self.caller.user_id


Handler = Callable[[Call], Awaitable[Reply]]


def resolve_domain(settings: Settings, raw_id: str) -> DomainSettings:
    domain_id = parse_domain_id(raw_id)
    domain = settings.domain(domain_id) if domain_id is not None else None
    if domain is None:
        raise ApiError(HTTPStatus.NOT_FOUND, f"unknown domain '{raw_id[:40]}'")
    return domain


def parse_domain_id(raw_id: str) -> int | None:
    return int(raw_id) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= 10 else None


def request_token(operation: str, domain_id: int, secret: str) -> str:
    """X-Request-Token = md5(OPERATION + DOMAINID + DOMAINSECRET), lowercase hex."""
    return hashlib.md5(f"{operation}{domain_id}{secret}".encode()).hexdigest()


def authenticate(
    services: Services, operation: Operation, domain: DomainSettings, headers: Mapping[str, str]
) -> Caller:
    """Step 2: the signature and the session, or 401 saying which is missing or wrong."""
    if not operation.signed:
        return Caller(session=None)
    cid = headers.get("x-request-cid", "")
    token = headers.get("x-request-token", "")
    if not cid:
        raise ApiError(
            HTTPStatus.UNAUTHORIZED,
            "missing X-Request-CID header (the session id from /session/init)",
        )
    if not token:
        raise ApiError(
            HTTPStatus.UNAUTHORIZED,
            f"missing X-Request-Token header (md5 of '{operation.signing_name}' + domain id + domain secret)",
        )
    expected = request_token(operation.signing_name, domain.id, services.settings.secret)
    if not hmac.compare_digest(expected.encode(), token.encode()) and not faults.active(
        "signature-not-checked"
    ):
        if faults.active("errorhint-leaks-secret"):
            raise ApiError(
                HTTPStatus.UNAUTHORIZED,
                f"invalid X-Request-Token: expected md5('{operation.signing_name}"
                f"{domain.id}{services.settings.secret}')",
            )
        raise ApiError(
            HTTPStatus.UNAUTHORIZED,
            f"invalid X-Request-Token for operation '{operation.signing_name}'",
        )
    eternal_cid = services.settings.eternal_cid
    if eternal_cid and hmac.compare_digest(eternal_cid.encode(), cid.encode()):
        return Caller(session=None, eternal=True)
    with services.db.read() as db:
        session = sessions.find(db, domain.id, cid)
    if session is None:
        raise ApiError(
            HTTPStatus.UNAUTHORIZED,
            "unknown session: X-Request-CID is not a session of this domain",
        )
    if session.expires < clock.now():
        raise ApiError(
            HTTPStatus.UNAUTHORIZED, "session expired: start a new one with /session/init"
        )
    if sessions.needs_extension(session, services.settings.session_ttl):
        with services.db.write() as db:
            session = sessions.refreshed(db, session, services.settings.session_ttl)
    return Caller(session=session)


def check_session_kind(operation: Operation, caller: Caller, params: Mapping[str, Any]) -> None:
    """Step 4: the session kind the operation declares in x-nexx-session, or 403."""
    sent_eternal_only = [name for name in operation.eternal_parameters if name in params]
    if (
        sent_eternal_only
        and not caller.eternal
        and not faults.active("eternal-parameter-from-user-session")
    ):
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            f"parameter '{sent_eternal_only[0]}' may only be sent by the eternal session",
        )
    kind = operation.session
    if kind in ("none", "anonymous"):
        return
    if kind == "eternal":
        if not caller.eternal:
            raise ApiError(HTTPStatus.FORBIDDEN, "this operation needs the eternal session")
        return
    if kind == "pending-login":
        if caller.session is None or not caller.session.login_held:
            raise ApiError(
                HTTPStatus.FORBIDDEN,
                "this operation needs a session whose login is waiting for a second factor",
            )
        return
    # kind == "user": the eternal session may stand in only through its own parameters.
    if caller.eternal and sent_eternal_only:
        return
    if caller.user_id is None:
        raise ApiError(HTTPStatus.FORBIDDEN, "this operation needs a logged-in user")
