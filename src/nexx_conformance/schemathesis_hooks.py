"""SCHEMATHESIS_HOOKS=nexx_conformance.schemathesis_hooks: the schemathesis CLI as the suite.

    NEXX_DOMAIN_ID=4711 NEXX_DOMAIN_SECRET=... [NEXX_DOMAIN_ID_AUTOAUTHORIZE=4712] \\
    SCHEMATHESIS_HOOKS=nexx_conformance.schemathesis_hooks \\
    uv run schemathesis run contracts/nexx-user.openapi.yaml --url http://127.0.0.1:8080/v3.1

With these hooks a `schemathesis run`
- signs each case and gives it the session its operation asks for, from a SessionBroker
  (nexx_conformance.schemathesis_auth.CliAuth); the users it registers (on the AutoAuthorize
  domain) are unregistered when the run ends;
- applies the suite's rule catalogue (nexx_conformance.checks) beside schemathesis' own
  checks, registered through schemathesis' public check API (`schemathesis.check`): a
  failure names the nexx rule, its grade, what was seen and expected;
- grades every failure, ours and schemathesis', as the suite does (guessed_rules, through
  the public `filter_failure` hook): one whose every broken rule is `guessed` is a warning
  when NEXX_GUESSED_RULES=warn, the default here as on any URL target (listed on stderr as
  the run ends); NEXX_GUESSED_RULES=fail makes it a failure (scripts/schemathesis-cli, which
  runs against our own reference server, and the kill matrix do);
- drops cases whose values schemathesis' generator and the contract read differently
  (keeps_its_meaning) and checks responses with the contract's regex dialect
  (patches.ecma_response_patterns), as in the pytest suite.
"""

from __future__ import annotations

import atexit
import sys
from functools import update_wrapper

import schemathesis

from nexx_conformance import checks, guessed_rules
from nexx_conformance import constants as c
from nexx_conformance.config import ConfigError, chosen, parse_guessed_rules
from nexx_conformance.contract_marks import operation_id
from nexx_conformance.envelope import json_body
from nexx_conformance.patches import ecma_response_patterns
from nexx_conformance.schemathesis_auth import (
    CliAuth,
    cache_key,
    from_environment,
    keeps_its_meaning,
    leaves_post_on_get_unjudged,
)

# How many warnings the run's end lists on stderr (all are counted).
SHOWN_WARNINGS = 20


def guessed_mode() -> str:
    """NEXX_GUESSED_RULES, else warn: the CLI always runs against a URL."""
    try:
        return parse_guessed_rules(
            chosen(None, "guessed_rules"),
            default=c.GUESSED_RULES_WARN,
            source=c.ENV["guessed_rules"],
        )
    except ConfigError as error:
        raise SystemExit(f"nexx_conformance.schemathesis_hooks: {error}") from None


MODE = guessed_mode()
WARNINGS = guessed_rules.GuessedWarnings()
# The run's auth provider (one per CLI run): its broker knows the run's sessions.
RUN: list[CliAuth] = []


# schemathesis makes the one instance when the class is registered, as this module loads.
@schemathesis.auth(cache_by_key=cache_key, refresh_interval=600)
class NexxAuth(CliAuth):
    """Session per kind, signature per case (see nexx_conformance.sessions)."""

    def __init__(self) -> None:
        try:
            super().__init__(from_environment())
        except ConfigError as error:
            raise SystemExit(f"nexx_conformance.schemathesis_hooks: {error}") from None
        RUN.append(self)
        atexit.register(self.report_leftovers)

    def report_leftovers(self) -> None:
        leftovers = self.remove_users()
        if leftovers:
            print(
                f"nexx: could not unregister schemathesis users: {', '.join(leftovers)}",
                file=sys.stderr,
            )


def facts() -> checks.SessionFacts:
    """What the checks know of the run's sessions: the broker's, once it has opened one."""
    broker = RUN[0].broker if RUN else None
    if broker is not None:
        return broker.facts
    return checks.SessionFacts(secrets=(RUN[0].sessions.secret,) if RUN else ())


def with_run_facts(check):
    """A check that takes `facts=`, as schemathesis calls checks: `(ctx, response, case)`."""

    def run(ctx, response, case):
        return check(ctx, response, case, facts=facts())

    return update_wrapper(run, check)


# The rule catalogue, registered with schemathesis' public check API (schemathesis' own
# ignored_auth stays: the CLI runs it once per operation and run already).
for check in checks.RESPONSE_CHECKS:
    schemathesis.check(check)
for check in checks.SESSION_CHECKS:
    if check is not checks.ignored_auth:
        schemathesis.check(with_run_facts(check))


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Graded as the suite grades: False (a warning, not a failure) for a failure whose
    every broken rule is guessed, when NEXX_GUESSED_RULES=warn."""
    exchange = guessed_rules.Exchange(
        operation_id(case.operation) or case.operation.label,
        case.method,
        case.operation.path,
        response.status_code,
        json_body(response.content),
        case,
    )
    found = guessed_rules.broken_rules(failure, exchange)
    if found and MODE == c.GUESSED_RULES_WARN and guessed_rules.only_guessed(found):
        WARNINGS.add("schemathesis run", exchange.operation, exchange.status, found)
        return False
    if found and not isinstance(failure, checks.NexxRuleBroken):
        # schemathesis' own failures name the rules they break too, with their grades.
        try:
            failure.message = f"{failure.message}\n{guessed_rules.graded_note(found)}"
        except AttributeError:
            pass
    return True


@atexit.register
def report_warnings() -> None:
    if not WARNINGS.items:
        return
    print(
        f"nexx: {len(WARNINGS.items)} failures broke only rules the contract guessed "
        f"(contracts/evidence.yaml): warnings, not failures; {c.ENV['guessed_rules']}=fail "
        "makes them failures",
        file=sys.stderr,
    )
    for warning in WARNINGS.items[:SHOWN_WARNINGS]:
        print(f"  {warning.line()}", file=sys.stderr)


schemathesis.hook("filter_case")(keeps_its_meaning)
schemathesis.hook("filter_case")(leaves_post_on_get_unjudged)
# Responses judged by the contract's regex dialect, ECMA-262, as in the pytest suite.
ecma_response_patterns()
