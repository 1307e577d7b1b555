"""The session broker: each operation gets the session its contract entry asks for.

    none          -> no session headers (only /session/init)
    anonymous     -> a fresh init'ed session
    user          -> a session a user of the broker's is logged in to
    eternal       -> the configured eternal session (without one: an anonymous session,
                     which the operation is expected to refuse)
    pending-login -> a held login: a user of its own enrols an authenticator app, then logs
                     in on a new device, which waits for the app's code (without a way to
                     enrol an app: an anonymous session)

One broker serves one pytest test (the `case_sessions` fixture, the stateful test) or one
schemathesis CLI run (nexx_conformance.schemathesis_auth). It signs each case for its own
operation, notes the users a case created, tells the test's checks whose sessions they
see (SessionFacts) and, closed, unregisters its users through the sessions it kept.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from nexx_conformance import contract_marks as marks
from nexx_conformance.checks import SessionFacts, checks_for
from nexx_conformance.client import NexxClient, Session, SessionError
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.patches import cookie_dropping_session, negative_at
from nexx_conformance.signing import SESSION_HEADER, TOKEN_HEADER, operation_of, request_token
from nexx_conformance.status import ACCEPTED
from nexx_conformance.users import User, UserFactory, created_user

# Operations that end or replace the session they run in; with isolate_session_changes
# each call gets a session of its own, so it cannot end the one the others share.
SESSION_CHANGING = ("login", "logout", "unregister")
# Operations that remove the user they run as; with isolate_session_changes each call
# runs as a throwaway user.
USER_ENDING = ("unregister",)
MAX_DOMAIN_ID = 2147483647


class SessionBroker:
    """The sessions of one test or CLI run, by the kind each operation asks for.

    `users` makes the users it logs in (None: a user operation then runs as `given_user`,
    or anonymous and is expected to be refused); `authenticator_app(uri)` enrols an app for
    a held login. `cid_for` keeps one session per kind; `open` always opens a new one (the
    CLI's auth provider caches them itself).
    """

    def __init__(
        self,
        client: NexxClient,
        secret: str,
        users: UserFactory | None,
        *,
        eternal_cid: str | None = None,
        given_user: User | None = None,
        authenticator_app: Callable[[str], Any] | None = None,
        isolate_session_changes: bool = False,
        uses_environment_proxies: bool = True,
    ) -> None:
        self.client = client
        self._secret = secret
        self.users = users
        self.eternal_cid = eternal_cid
        self.authenticator_app = authenticator_app
        self.isolate_session_changes = isolate_session_changes
        self.facts = SessionFacts(secrets=(secret, eternal_cid))
        # The user operations run as, logged in on first use; a given user is never
        # unregistered by the broker.
        self.user = given_user
        self._owns_user = given_user is None
        # The user whose login is held, and the session it enrolled its app in (still
        # logged in: the only way to unregister it without a code).
        self.held_user: User | None = None
        self._cids: dict[str, str | None] = {}
        # One HTTP session for the cases a test sends, so they reuse their connections (a new
        # one per case cost a connect and a close on both sides; benchmarks/README.md).
        # schemathesis' own kind: cookies an answer sets are dropped before the next case.
        self.http = cookie_dropping_session()
        self.http.trust_env = uses_environment_proxies

    def __repr__(self) -> str:
        return f"SessionBroker(domain={self.client.domain_id}, sessions={sorted(self._cids)})"

    def checks(self) -> list:
        """Our checks, knowing this broker's sessions (nexx_conformance.checks)."""
        return checks_for(self.facts)

    def cid_for(self, operation) -> str | None:
        """The session for a case of `operation`: one per kind, opened on first use."""
        kind, operation_id = marks.session_kind(operation), marks.operation_id(operation)
        if kind == marks.NONE:
            return None
        if self.isolate_session_changes and changes_its_session(operation):
            return self.open(kind, operation_id)
        if kind not in self._cids:
            self._cids[kind] = self.open(kind, operation_id)
        return self._cids[kind]

    def open(self, kind: str, operation_id: str = "") -> str | None:
        """A new session of `kind` for `operation_id`; None for operations that take none."""
        if kind == marks.NONE:
            return None
        if kind == marks.ETERNAL and self.eternal_cid:
            return self.eternal_cid
        if kind == marks.PENDING_LOGIN and self.can_hold_logins:
            return self._held_login()
        session = self.client.init()
        if kind == marks.USER:
            ending = self.isolate_session_changes and operation_id in USER_ENDING
            user = self._throwaway_user() if ending else self._shared_user()
            if user is not None:
                self._log_in(session, user)
        return session.cid

    @property
    def can_hold_logins(self) -> bool:
        """A held login needs a user of the broker's own who can enrol an app."""
        return self.authenticator_app is not None and self.users is not None

    def _shared_user(self) -> User | None:
        if self.user is None and self.users is not None:
            self.user = self.users.create()
        return self.user

    def _throwaway_user(self) -> User | None:
        # A given user is never unregistered: without a factory the case runs anonymous
        # and is expected to be refused.
        return self.users.create() if self.users is not None else None

    def _log_in(self, session: Session, user: User) -> None:
        login = session.login(user.username, user.password)
        if not login.ok:
            raise SessionError(f"logging in {user.username} for a user operation failed", login)
        if user.cid is None:
            # Its first session stays logged in: the cleanup's way back in when a later
            # case changed how it logs in (an authenticator app enrolled, a new password).
            user.cid = session.cid
        self.facts.add_owner_identities(session.cid, user.username, user.email)
        if self.facts.anonymous_cid is None:
            # For anonymous_session_is_rejected_on_user_operations; never given to a case,
            # so no generated login can turn it into a user session.
            self.facts.anonymous_cid = self.client.init().cid

    def _held_login(self) -> str:
        """A session whose login waits for a second factor (`loginstate` needs-device-code),
        of a user of its own, so the user the other operations run as keeps a plain login."""
        if self.held_user is None:
            self.held_user = self._user_with_app()
        user = self.held_user
        # From a device the user never logged in with: a known device is trusted, not held.
        held = self.client.init(nxp_devh=secrets.token_hex(16))
        login = held.login(user.username, user.password)
        if login.status != ACCEPTED:
            raise SessionError(
                f"the login of {user.username}, who has an authenticator app, "
                "was not held for its code",
                login,
            )
        return held.cid

    def _user_with_app(self) -> User:
        user = self.users.create()
        enrolment = self.client.init()
        require(enrolment.login(user.username, user.password), f"logging in {user.username}")
        started = enrolment.post("user/prepareregisterauthenticator")
        require(started, f"starting the authenticator enrolment of {user.username}")
        app = self.authenticator_app(started.fields["uri"])
        require(
            enrolment.post(
                "user/finishregisterauthenticator",
                process=started.fields["process"],
                code=app.code(),
            ),
            f"finishing the authenticator enrolment of {user.username}",
        )
        user.cid = enrolment.cid  # the run's cleanup unregisters through it
        user.second_factors.append(app)  # or completes a held login with its code
        self.facts.add_owner_identities(enrolment.cid, user.username, user.email)
        return user

    def sign(self, case, cid: str | None) -> None:
        """Our domain, the session and the signature, except where a negative case means to
        get them wrong (sign_case)."""
        sign_case(case, cid, self.client.domain_id, self._secret)

    def give_session(self, case) -> None:
        """The session its operation asks for, signed onto `case`."""
        self.sign(case, self.cid_for(case.operation))

    def track_created_user(self, case, response) -> None:
        """Remember a user this case registered (a 201 from register, registeranonymous), so
        the cleanup removes it; sends nothing, so the test's requests stay as recorded."""
        user = created_user(case, response, self.client.domain_id)
        if user is not None and self.users is not None:
            self.users.track(user)

    def close(self) -> None:
        """Unregister the broker's users through the sessions it kept: generated cases may
        have changed a password or a name, and the held user's login needs a code, so the
        run's final cleanup could no longer log in as them."""
        self.http.close()
        kept = [
            (self.user, self._cids.get(marks.USER)) if self._owns_user else (None, None),
            (self.held_user, self.held_user.cid if self.held_user else None),
        ]
        for user, cid in kept:
            if user is None or cid is None:
                continue
            if self.client.session(cid).delete("user/unregister").ok and self.users is not None:
                self.users.forget(user)


def changes_its_session(operation) -> bool:
    return marks.operation_id(operation) in SESSION_CHANGING


def session_key(operation, case_id: str) -> str:
    """Which cases may share a session, for a cache of isolating sessions (the CLI's auth
    provider): those of one kind; a session-changing case has one of its own."""
    kind = marks.session_kind(operation)
    if changes_its_session(operation):
        return f"{kind}:{marks.operation_id(operation)}:{case_id}"
    return kind


def sign_case(case, cid: str | None, domain_id: int, secret: str) -> None:
    """Put the domain, the session and the signature on a case, unless they are what the case
    means to get wrong: a negative case keeps its invalid domain id and its invalid session
    headers, so the server sees the request schemathesis judges."""
    domain, headers = parts_to_sign(case)
    if domain:
        case.path_parameters = {**(case.path_parameters or {}), "domainid": domain_id}
    if headers and cid is not None:
        token = request_token(operation_of(case.operation.path), domain_id, secret)
        case.headers = {**(case.headers or {}), SESSION_HEADER: cid, TOKEN_HEADER: token}


def parts_to_sign(case) -> tuple[bool, bool]:
    """Whether signing rewrites the case's domain id, and its session headers."""
    domain = (case.path_parameters or {}).get("domainid")
    return (
        not (negative_at(case, "path") and not is_domain_id(domain)),
        not negative_at(case, "header"),
    )


def mark_as_signed(case) -> None:
    """Rewrite the parts of a case that signing will rewrite, with their own values.

    schemathesis judges a rewritten part of a case again (is it still negative?), and a
    path value it quoted may fail its own schema then. A case drawn before a test signs it
    is so judged before its `filter_case` hooks see it, as it will be sent.
    """
    domain, headers = parts_to_sign(case)
    if domain:
        case.path_parameters = dict(case.path_parameters or {})
    if headers:
        case.headers = dict(case.headers or {})


def is_domain_id(value) -> bool:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_DOMAIN_ID


def require(answer: ApiResponse, what: str) -> None:
    if not answer.ok:
        raise SessionError(f"{what} failed", answer)
