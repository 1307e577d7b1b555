"""The session each generated case is sent with, by its operation's `x-nexx-session`.

    none          -> no headers (only /session/init)
    anonymous     -> a fresh init'ed session
    user          -> a fresh user of this test, logged in
    eternal       -> the configured eternal session (the test skips without one)
    pending-login -> a held login: a second user of this test enrols an authenticator app,
                     then logs in on a new session, which waits for the app's code
"""

from __future__ import annotations

import secrets

from schemathesis.transport.requests import ManagedCookiesSession

from nexx_conformance.checks import REGISTRY
from nexx_conformance.client import NexxClient, SessionError
from nexx_conformance.schemathesis_auth import SESSION_CHANGING, sign_case
from nexx_conformance.status import ACCEPTED
from nexx_conformance.users import created_user

ANONYMOUS, USER, ETERNAL, NONE, PENDING = "anonymous", "user", "eternal", "none", "pending-login"


def session_kind(operation) -> str:
    return operation.definition.raw.get("x-nexx-session", ANONYMOUS)


def operation_id(operation) -> str:
    return operation.definition.raw.get("operationId", "")


def is_destructive(operation) -> bool:
    return bool(operation.definition.raw.get("x-nexx-destructive"))


def side_effects(operation) -> list[str]:
    """The out-of-band channels the operation uses (x-nexx-side-effects: mail, sms)."""
    return list(operation.definition.raw.get("x-nexx-side-effects", ()))


class CaseSessions:
    """The sessions of one test, by kind, opened on first use."""

    def __init__(self, client: NexxClient, user_factory, config, authenticator_app, *,
                 isolate_session_changes: bool = False) -> None:
        self.client = client
        self.user_factory = user_factory
        self.config = config
        self.authenticator_app = authenticator_app
        # In a stateful run the operations share sessions: one that logs out or logs in
        # gets a session of its own so it cannot end the one the others use.
        self.isolate_session_changes = isolate_session_changes
        self._cids: dict[str, str] = {}
        # One HTTP session for the test's cases, so they reuse their connections (a new one
        # per case cost a connect and a close on both sides). schemathesis' own kind: what
        # an answer sets as a cookie is dropped before the next case, as with a session per case.
        self.http = ManagedCookiesSession()
        self.user = None
        # The user whose login is held, and the session it enrolled its app in (still
        # logged in: the only way to unregister it without a code).
        self.held_user = None

    def cid_for(self, operation) -> str | None:
        kind = session_kind(operation)
        if kind == NONE:
            return None
        if kind == ETERNAL:
            return self.config.eternal_cid
        if self.isolate_session_changes and operation_id(operation) in SESSION_CHANGING:
            return self._open(kind)
        if kind not in self._cids:
            self._cids[kind] = self._open(kind)
        return self._cids[kind]

    def _open(self, kind: str) -> str:
        if kind == PENDING:
            return self._held_login()
        session = self.client.init()
        if kind == USER:
            if self.user is None:
                self.user = self.user_factory.create()
            login = session.login(self.user.username, self.user.password)
            if not login.ok:
                raise SessionError(f"logging in {self.user.username} for a user operation failed",
                                   login)
            REGISTRY.add_owner_identities(session.cid, self.user.username, self.user.email)
            if REGISTRY.anonymous_cid is None:
                # For anonymous_session_is_rejected_on_user_operations; never given to a case,
                # so no generated login can turn it into a user session.
                REGISTRY.anonymous_cid = self.client.init().cid
        return session.cid

    def _held_login(self) -> str:
        """A session whose login waits for a second factor (`loginstate` needs-device-code),
        of a user of its own, so the user the other operations run as keeps a plain login."""
        if self.held_user is None:
            user = self.user_factory.create()
            enrolment = self.client.init()
            _require(enrolment.login(user.username, user.password), f"logging in {user.username}")
            started = enrolment.post("user/prepareregisterauthenticator")
            _require(started, f"starting the authenticator enrolment of {user.username}")
            app = self.authenticator_app(started.result["uri"])
            _require(enrolment.post("user/finishregisterauthenticator",
                                    process=started.result["process"], code=app.code()),
                     f"finishing the authenticator enrolment of {user.username}")
            user.cid = enrolment.cid  # the run's cleanup unregisters through it
            user.second_factors.append(app)  # or completes a held login with its code
            REGISTRY.add_owner_identities(enrolment.cid, user.username, user.email)
            self.held_user = user
        # From a device the user never logged in with: a known device is trusted, not held.
        held = self.client.init(nxp_devh=secrets.token_hex(16))
        login = held.login(self.held_user.username, self.held_user.password)
        if login.status != ACCEPTED:  # not held for its second factor
            raise SessionError(f"the login of {self.held_user.username}, who has an authenticator "
                               "app, was not held for its code", login)
        return held.cid

    def track_created_user(self, case, response) -> None:
        """Remember a user this case registered (a 201 from register, registeranonymous), so
        the run's cleanup removes it; sends nothing, so the test's requests stay as recorded."""
        user = created_user(case, response, self.config.domain_id)
        if user is not None:
            self.user_factory.track(user)

    def close(self) -> None:
        """Unregister this test's users through their sessions: generated cases may have
        changed a password or a name, and the held user's login needs a code, so the run's
        final cleanup could no longer log in as them."""
        self.http.close()
        for user, cid in ((self.user, self._cids.get(USER)),
                          (self.held_user, self.held_user and self.held_user.cid)):
            if user is None or cid is None:
                continue
            if self.client.session(cid).delete("user/unregister").ok:
                users = self.user_factory.registry.users
                if user in users:
                    users.remove(user)

    def sign(self, case, cid: str | None) -> None:
        """Our domain, the session and the signature, except where a negative case means to
        get them wrong (nexx_conformance.schemathesis_auth.sign_case)."""
        sign_case(case, cid, self.config.domain_id, self.config.domain_secret)


class ConformanceAuth:
    """schemathesis auth provider: asks the running test's CaseSessions for the session."""

    current: CaseSessions | None = None

    def get(self, case, context):
        sessions = ConformanceAuth.current
        return sessions.cid_for(context.operation) if sessions is not None else None

    def set(self, case, data, context) -> None:
        sessions = ConformanceAuth.current
        if sessions is not None:
            sessions.sign(case, data)


def _require(answer, what: str) -> None:
    if not answer.ok:
        raise SessionError(f"{what} failed", answer)
