"""What the suite hands schemathesis: auth providers over the SessionBroker, and a case filter.

- `DrawnCaseAuth` sits on the pytest suite's schemas (tests/conformance/contract.py); the
  tests themselves give each case its session right before sending it
  (`SessionBroker.give_session`), so it holds no state.
- `CliAuth`, `cache_key` and `from_environment` are the schemathesis CLI's sessions
  (nexx_conformance.schemathesis_hooks): a broker made from NEXX_* variables for the URL
  the CLI runs against.
- `keeps_its_meaning` drops negative cases that would arrive valid;
  `leaves_post_on_get_unjudged` drops the probe of POST on an operation documented as GET.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from nexx_conformance import constants as c
from nexx_conformance import contract_marks as marks
from nexx_conformance import request_patterns
from nexx_conformance.client import NexxClient
from nexx_conformance.config import ConfigError, chosen, parse_domain_id
from nexx_conformance.patches import case_phase, coverage_scenario, negative_at
from nexx_conformance.sessions import SessionBroker, mark_as_signed, session_key
from nexx_conformance.users import User, UserFactory, UserRegistry

# The coverage probe of a method the path does not declare (schemathesis' scenario name).
UNSPECIFIED_HTTP_METHOD = "unspecified_http_method"
# Fixed at collection, before any test runs: the examples and coverage phases.
COLLECTED_PHASES = ("examples", "coverage")


class DrawnCaseAuth:
    """The pytest suite's auth provider: the session headers of each case drawn while a
    test runs (fuzzing, stateful) are the suite's own, explicit credentials.

    schemathesis' ignored_auth check re-sends such a case without them. The cases fixed at
    collection (examples, coverage) are built before any test runs and carry their headers
    as part of the case; our missing_session_is_rejected and wrong_token_is_rejected probe
    every case alike. The session itself is the test's: its broker signs each case right
    before the call, and `set` only marks the parts signing will rewrite, so the case
    filter judges a drawn case as it will be sent (sessions.mark_as_signed).
    """

    def get(self, case, context):
        phase = case_phase(case)
        kind = marks.session_kind(context.operation)
        return None if phase in COLLECTED_PHASES or kind == marks.NONE else kind

    def set(self, case, data, context) -> None:
        # The test's broker signs the case right before sending it.
        mark_as_signed(case)


@dataclass(frozen=True)
class CliSessions:
    """The CLI's sessions, from the environment: the domain, its secret, the eternal
    session, and either a given user or users registered on an AutoAuthorize domain."""

    domain_id: int
    secret: str = field(repr=False)
    user: User | None = None
    register_users: bool = False
    eternal_cid: str | None = field(default=None, repr=False)

    def broker(self, base_url: str) -> SessionBroker:
        client = NexxClient(base_url, self.domain_id, self.secret)
        # No mailbox: the users registered here are authorized at once (AutoAuthorize).
        users = (
            UserFactory(
                client, UserRegistry(), None, f"qa_{secrets.token_hex(3)}st_", {self.domain_id}
            )
            if self.register_users
            else None
        )
        return SessionBroker(
            client,
            self.secret,
            users,
            eternal_cid=self.eternal_cid,
            given_user=self.user,
            isolate_session_changes=True,
        )


def from_environment(environ=os.environ) -> CliSessions:
    """NEXX_DOMAIN_ID/NEXX_DOMAIN_SECRET, plus a user from NEXX_USERNAME/NEXX_PASSWORD or
    users registered on NEXX_DOMAIN_ID_AUTOAUTHORIZE (then that domain is the one tested)."""
    secret = chosen(None, "domain_secret", environ=environ)
    if not secret:
        raise ConfigError(
            f"set {c.ENV['domain_secret']} (and {c.ENV['domain_id']}) for the nexx auth"
        )
    domain_id = parse_domain_id(
        chosen(None, "domain_id", environ=environ), c.ENV["domain_id"], c.DEFAULT_DOMAIN_ID
    )
    eternal = chosen(None, "eternal_cid", environ=environ)
    if environ.get("NEXX_USERNAME") and environ.get("NEXX_PASSWORD"):
        user = User(environ["NEXX_USERNAME"], None, environ["NEXX_PASSWORD"], domain_id)
        return CliSessions(domain_id, secret, user=user, eternal_cid=eternal)
    auto = environ.get(c.ENV_DOMAIN_AUTOAUTHORIZE)
    if auto:
        auto_id = parse_domain_id(auto, c.ENV_DOMAIN_AUTOAUTHORIZE, None)
        return CliSessions(auto_id, secret, register_users=True, eternal_cid=eternal)
    return CliSessions(domain_id, secret, eternal_cid=eternal)


class CliAuth:
    """A schemathesis auth provider (get/set) over a broker for the URL the CLI runs against.

    schemathesis caches the sessions (`cache_key`) and opens new ones when they expire or
    a call answers 401, so the broker opens a new session each time it is asked.
    """

    def __init__(self, sessions: CliSessions) -> None:
        self.sessions = sessions
        self.broker: SessionBroker | None = None

    def broker_for(self, base_url: str) -> SessionBroker:
        if self.broker is None:
            self.broker = self.sessions.broker(base_url)
        return self.broker

    def get(self, case, context):
        broker = self.broker_for(case.operation.schema.get_base_url())
        operation = context.operation
        return broker.open(marks.session_kind(operation), marks.operation_id(operation))

    def set(self, case, data, context) -> None:
        self.broker_for(case.operation.schema.get_base_url()).sign(case, data)

    def remove_users(self) -> list[str]:
        """Unregister the users the broker registered that a case has not removed; returns
        those that could not be removed, with the reason (nexx_conformance.users)."""
        if self.broker is None or self.broker.users is None:
            return []
        return self.broker.users.registry.remove_all(self.broker.client)


def cache_key(case, context) -> str:
    """schemathesis' cache_by_key: one session per kind, one per session-changing case."""
    return session_key(context.operation, case.id)


def keeps_its_meaning(context, case) -> bool:
    """A schemathesis filter: drop negative path values that contain '%'. schemathesis puts
    them into the URL unencoded, the server decodes them, and what arrives may be valid after
    all ("rf%27%40s.dev" arrives as the email "rf'@s.dev"): a false ST201. Drop as well a
    case with a value schemathesis' generator reads otherwise than the contract (ECMA-262)
    against one of its patterns (request_patterns): its verdict would be a false one."""
    if not request_patterns.read_alike(case):
        return False
    if not negative_at(case, "path"):
        return True
    return not any("%" in str(value) for value in (case.path_parameters or {}).values())


def leaves_post_on_get_unjudged(context, case) -> bool:
    """A schemathesis filter: drop the coverage probe that POSTs to an operation documented
    as GET. schemathesis' unsupported_method expects 405 for every method a path does not
    declare, but nexx answers such a POST like the GET: yt-dlp (yt_dlp/extractor/nexx.py)
    POSTs its form to videos/byid, documented as GET, and a captured 2022 answer to that
    POST is 200 with "verb":"POST" (docs/conventions.md, Requests). A target that answers
    it is not wrong, one that refuses it with 405 not either; every other undeclared verb
    is still probed."""
    if coverage_scenario(case) != UNSPECIFIED_HTTP_METHOD:
        return True
    return not (case.method.upper() == "POST" and case.operation.method.upper() == "GET")
