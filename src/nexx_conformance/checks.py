"""The rule catalogue: the suite's own rules of the nexx contract, one check each.

Each rule is one function `(ctx, response, case)` named after the property it asserts, and
one failure class (NX101-NX110) naming its rule id in contracts/evidence.yaml; one that needs
to know the test's sessions also takes them, `facts=` (SessionFacts). A failure carries its
fields (operation, rule ids, grade, what was seen and expected, a curl line that reproduces
the call with secrets masked) and says them in its message.

The same functions judge every answer alike:
- generated cases: the conformance tests pass `checks_for(facts)` to schemathesis;
- scenario answers: contract_check applies `ANSWER_CHECKS` to each;
- `schemathesis run` with our hooks: schemathesis_hooks registers them with
  `schemathesis.check` (the public check API).
The session probes (missing session, wrong token, anonymous session) send the call again,
so they judge generated cases only: a scenario sends exactly its story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial, update_wrapper
from typing import Any
from urllib.parse import parse_qs, urlsplit

from nexx_conformance import contract_marks as marks
from nexx_conformance.envelope import Paging, envelope_of, metadata_of
from nexx_conformance.evidence import EvidenceError, book
from nexx_conformance.masking import masked_curl
from nexx_conformance.patches import Failure, Severity, builtin_check, transport_kwargs
from nexx_conformance.recording.matchers import normalize
from nexx_conformance.signing import SESSION_HEADER, TOKEN_HEADER
from nexx_conformance.status import CLIENT_ERROR, FORBIDDEN, SERVER_ERROR, UNAUTHORIZED

PASSWORD_FIELDS = ("password", "newpassword", "currentpassword")
IDENTITY_FIELDS = ("username", "email")
# Shorter values occur by chance in any response (a "0", an id); a real password has 8+.
MIN_SECRET_LENGTH = 8
HASH_PATTERN = re.compile(r"\$argon2(?:id|i|d)\$|\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{20,}")
TRACEBACK_PATTERN = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")
SIGNATURE_PATTERN = re.compile(r"[0-9a-f]{32}")
WRONG_TOKEN = "0" * 32


class NexxRuleBroken(Failure):
    """A response breaks a rule of the nexx contract: `rule` is its id in
    contracts/evidence.yaml, which says how sure the suite is of it (its grade).

    Fields: `operation` (schemathesis' label, "GET /{domainid}/user/profile"),
    `operation_id`, `rules` (the rule ids it breaks: the class's, or those an instance
    broke), `grade` (the weakest of theirs), `expected`, `seen`, `reproduce` (curl)."""

    code = "NX900"
    kind_title = "nexx contract rule broken"
    rule = ""

    def __init__(
        self,
        *,
        operation: str,
        operation_id: str,
        seen: str,
        expected: str,
        reproduce: str,
        rules: tuple[str, ...] = (),
        clause: str = "",
        case_id: str | None = None,
        severity: Severity = Severity.HIGH,
    ) -> None:
        self.operation_id = operation_id
        self.rules = rules or (self.rule,)
        self.seen, self.expected, self.reproduce, self.clause = seen, expected, reproduce, clause
        super().__init__(
            operation=operation,
            title=None,
            message=self.explained(),
            case_id=case_id,
            severity=severity,
        )

    @property
    def grade(self) -> str:
        """The weakest grade of the rules it breaks (stated, observed, guessed)."""
        from nexx_conformance.evidence import GRADES

        grades = [grade for _, grade, _ in self.graded()]
        return next((g for g in reversed(GRADES) if g in grades), "ungraded")

    def graded(self) -> list[tuple[str, str, str]]:
        """(rule id, grade, title) of each rule it breaks."""
        found = []
        for rule_id in self.rules:
            try:
                rule = book().rule(rule_id)
            except EvidenceError:
                found.append((rule_id, "ungraded", rule_id))
            else:
                found.append((rule_id, rule.evidence.grade, rule.title))
        return found

    def explained(self) -> str:
        rules = "; ".join(
            f"{rule_id} ({grade}): {title}" for rule_id, grade, title in self.graded()
        )
        where = f" [{self.clause}]" if self.clause else ""
        return (
            f"{self.seen}\nExpected: {self.expected}\nRule: {self.operation_id} - {rules}{where}\n"
            f"Reproduce: {self.reproduce}"
        )


# A class of its own per check, not one class with a field: schemathesis tells findings
# apart (and keeps one per operation) by class, and its reports name the class and code.
class EnvelopeStatusMismatch(NexxRuleBroken):
    """Envelope status differs from the HTTP status"""

    code = "NX101"
    checks = ("envelope_status_matches_http_status",)
    kind_title = __doc__
    rule = "envelope-status"


class ErrorWithoutHint(NexxRuleBroken):
    """Error response without errorhint"""

    code = "NX102"
    checks = ("error_has_errorhint",)
    kind_title = __doc__
    rule = "error-hint"


class ErrorWithResult(NexxRuleBroken):
    """Error response with a result"""

    code = "NX109"
    checks = ("error_has_no_result",)
    kind_title = __doc__
    rule = "error-result"


class InconsistentPaging(NexxRuleBroken):
    """List paging is inconsistent"""

    code = "NX103"
    checks = ("paging_on_lists_is_consistent",)
    kind_title = __doc__
    rule = "paging"


class ServerErrorAnswered(NexxRuleBroken):
    """Server error or traceback in the response"""

    code = "NX104"
    checks = ("no_server_error",)
    kind_title = __doc__
    rule = "no-server-error"


class SecretInResponse(NexxRuleBroken):
    """Secret or foreign user data in the response"""

    code = "NX105"
    checks = ("no_secret_in_response",)
    kind_title = __doc__
    # Each failure names the rules of what leaked (`rules`: no-password, no-domain-secret,
    # no-foreign-user-data).
    rule = ""


class MissingSessionAccepted(NexxRuleBroken):
    """Call without X-Request-CID not rejected with 401"""

    code = "NX106"
    checks = ("missing_session_is_rejected",)
    kind_title = __doc__
    rule = "session-required"


class WrongTokenAccepted(NexxRuleBroken):
    """Call with a wrong X-Request-Token not rejected with 401"""

    code = "NX107"
    checks = ("wrong_token_is_rejected",)
    kind_title = __doc__
    rule = "signature-checked"


class RefusedOtherwise(NexxRuleBroken):
    """Call refused for its session with another status than the contract's"""

    code = "NX110"
    checks = ("refused_session_status",)
    kind_title = __doc__
    rule = "refused-session-status"


class AnonymousSessionAccepted(NexxRuleBroken):
    """User operation not rejected with 403 for an anonymous session"""

    code = "NX108"
    checks = ("anonymous_session_is_rejected_on_user_operations",)
    kind_title = __doc__
    rule = "user-session-required"


class SessionFacts:
    """What the checks know beyond one response, for one test: the secrets no answer may
    hold, whose data each session may see, an anonymous session to probe user operations
    with, and which probes the test has sent.

    The test's SessionBroker fills it as it opens sessions, and the test passes it to the
    checks that need it (`checks_for`); a new test starts with new facts, so it re-sends
    the same probes on record and on replay, whatever ran before it. Empty, the checks
    that need a fact stay silent rather than guess.
    """

    def __init__(self, secrets: tuple[str | None, ...] = ()) -> None:
        self.secrets: set[str] = {secret for secret in secrets if secret}
        self.anonymous_cid: str | None = None
        self._owners: dict[str, set[str]] = {}
        self._probed: set[tuple[str, str]] = set()
        # The operations schemathesis' ignored_auth saw refuse a call without and with a wrong
        # credential in this test (its CLI keeps one such set per run).
        self.auth_enforced: set[str] = set()

    def add_owner_identities(self, cid: str | None, *identities: str) -> None:
        """Notes whose data a session may see. The sessions of one user share one set: a
        name or email an accepted call gave the user in one session is theirs in all (a
        CLI run logs its one user in many times)."""
        if not cid:
            return
        keys = {identity_key(i) for i in identities if i}
        own = self._owners.get(cid)
        if own is None:
            own = next((known for known in self._owners.values() if known & keys), set())
            self._owners[cid] = own
        own.update(keys)

    def owner_identities(self, cid: str | None) -> set[str] | None:
        return self._owners.get(cid) if cid else None

    def first_probe(self, check: str, operation: str) -> bool:
        """True the first time `check` probes `operation` in this test."""
        key = (check, operation)
        if key in self._probed:
            return False
        self._probed.add(key)
        return True


def identity_key(value: str) -> str:
    # Names carry the run id (qa_<runid>_<n>): a replay's user is qa_replay_1 while the
    # recorded answers name the recording's qa_3f9a2c_1, the same user. The number stays.
    return normalize(value.lower())


def operation_id(case: Any) -> str:
    return marks.operation_id(case.operation) or case.operation.label


def fail(
    kind: type[NexxRuleBroken],
    case: Any,
    response: Any,
    *,
    seen: str,
    expected: str,
    clause: str = "",
    severity: Severity = Severity.HIGH,
    rules: tuple[str, ...] = (),
) -> None:
    """Raise `kind` for the answer: what was seen and expected, and where not the class's
    one, the rules of contracts/evidence.yaml it breaks."""
    raise kind(
        operation=case.operation.label,
        operation_id=operation_id(case),
        seen=seen,
        expected=expected,
        reproduce=masked_curl(response.request),
        rules=rules,
        clause=clause,
        case_id=getattr(case, "id", None),
        severity=severity,
    )


def envelope_status_matches_http_status(ctx, response, case):
    status = metadata_of(envelope_of(response)).get("status")
    if isinstance(status, bool) or status != response.status_code:
        fail(
            EnvelopeStatusMismatch,
            case,
            response,
            seen=f"HTTP {response.status_code} with metadata.status {status!r}",
            expected=f"metadata.status == {response.status_code}",
            clause="conventions.md#responses: metadata.status equals the HTTP status",
        )


def error_has_errorhint(ctx, response, case):
    if response.status_code < CLIENT_ERROR:
        return
    hint = metadata_of(envelope_of(response)).get("errorhint")
    if not isinstance(hint, str) or not hint.strip():
        fail(
            ErrorWithoutHint,
            case,
            response,
            seen=f"HTTP {response.status_code} with metadata.errorhint {hint!r}",
            expected="a non-empty metadata.errorhint saying why the call failed",
            clause="ErrorEnvelope: errorhint is required on every error",
        )


def error_has_no_result(ctx, response, case):
    if response.status_code < CLIENT_ERROR:
        return
    envelope = envelope_of(response)
    if envelope.get("result") is not None:
        fail(
            ErrorWithResult,
            case,
            response,
            seen=f"HTTP {response.status_code} with result {envelope['result']!r}",
            expected="no result on an error (absent or null)",
            clause="ErrorEnvelope: a result only on success",
        )


def paging_defaults(case: Any) -> dict[str, Any] | None:
    """The declared defaults of `start` and `limit`, or None if the operation is no paged list."""
    declared = {p.name: p.definition for p in case.operation.query}
    if "limit" not in declared:
        return None
    return {
        name: (declared.get(name) or {}).get("schema", {}).get("default")
        for name in ("start", "limit")
    }


def sent_integer(fields: dict[str, list[str]], name: str, default: Any) -> int | None:
    """The value of `name` the call sent (`sent_fields`: the query's, then the form body's,
    which wins, as nexx's clients send a GET's parameters in its body too), else `default`."""
    values = fields.get(name)
    if not values:
        return default if isinstance(default, int) else None
    # A malformed value the server accepted is negative_data_rejection's finding, not ours.
    return int(values[-1]) if values[-1].isdigit() else None


def paging_on_lists_is_consistent(ctx, response, case):
    defaults = paging_defaults(case)
    if defaults is None or not 200 <= response.status_code < 300:
        return
    envelope = envelope_of(response)
    paging, result = Paging.of(envelope.get("paging")), envelope.get("result")
    rule = "conventions.md#responses: paged lists carry paging {start, limit, resultcount}"
    if paging is None:
        fail(
            InconsistentPaging,
            case,
            response,
            seen=f"paging is {envelope.get('paging')!r}",
            expected="paging with integer start, limit and resultcount",
            clause=rule,
        )
    if not isinstance(result, list):
        fail(
            InconsistentPaging,
            case,
            response,
            seen=f"result is {type(result).__name__}",
            expected="result is a list",
            clause=rule,
        )
    query = sent_fields(response.request)
    start = sent_integer(query, "start", defaults["start"] if defaults["start"] is not None else 0)
    limit = sent_integer(query, "limit", defaults["limit"])
    problems = []
    if start is not None and paging.start != start:
        problems.append(f"paging.start {paging.start} != start sent {start}")
    if limit is not None and paging.limit != limit:
        problems.append(f"paging.limit {paging.limit} != limit sent (or default) {limit}")
    if len(result) > paging.limit:
        problems.append(f"{len(result)} items > paging.limit {paging.limit}")
    if len(result) > max(0, paging.resultcount - paging.start):
        problems.append(
            f"{len(result)} items > resultcount {paging.resultcount} - start {paging.start}"
        )
    if problems:
        fail(
            InconsistentPaging,
            case,
            response,
            seen="; ".join(problems),
            expected="paging echoes start/limit and counts the items in result",
            clause=rule,
        )
    return


def no_server_error(ctx, response, case):
    text = response.content.decode("utf-8", "replace") if response.content else ""
    if response.status_code >= SERVER_ERROR or TRACEBACK_PATTERN.search(text):
        fail(
            ServerErrorAnswered,
            case,
            response,
            severity=Severity.CRITICAL,
            seen=f"HTTP {response.status_code}"
            + (" with a traceback in the body" if TRACEBACK_PATTERN.search(text) else ""),
            expected="a 2xx or a 4xx with errorhint; never a 5xx, never a traceback",
            clause="conventions.md#responses: bad input gets a 4xx, the server never fails",
        )


def sent_fields(request: Any) -> dict[str, list[str]]:
    """Every form and query field of a request (requests' or httpx') as it went over the wire."""
    fields = parse_qs(urlsplit(str(request.url)).query, keep_blank_values=True)
    body = request.body if hasattr(request, "body") else request.content
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and "x-www-form-urlencoded" in str(
        request.headers.get("Content-Type", "")
    ):
        for name, values in parse_qs(body, keep_blank_values=True).items():
            fields.setdefault(name, []).extend(values)
    return fields


def passwords_in(text: str, fields: dict[str, list[str]]) -> list[str]:
    """The passwords among the fields sent that the answer's text repeats, and any password
    hash in it: what no answer may carry, whatever its schema allows."""
    # A value also sent in an ordinary field (username == password) may be echoed as that field.
    ordinary = {
        v for name, values in fields.items() if name.lower() not in PASSWORD_FIELDS for v in values
    }
    found = [
        f"the {name} that was sent"
        for name, values in fields.items()
        if name.lower() in PASSWORD_FIELDS
        for v in values
        if len(v) >= MIN_SECRET_LENGTH and v not in ordinary and v in text
    ]
    if HASH_PATTERN.search(text):
        found.append("a password hash (argon2/bcrypt)")
    return found


# What leaked, by the rule it breaks (contracts/evidence.yaml).
NO_PASSWORD, NO_DOMAIN_SECRET, NO_FOREIGN_DATA = (
    "no-password",
    "no-domain-secret",
    "no-foreign-user-data",
)


def leaked_secrets(response: Any, text: str, facts: SessionFacts) -> list[tuple[str, str]]:
    """What secret the answer holds, each with the rule it breaks."""
    found = [(item, NO_PASSWORD) for item in passwords_in(text, sent_fields(response.request))]
    token = response.request.headers.get(TOKEN_HEADER)
    # Only a real signature is a secret: a negative case's token ("0", "Inf") and the
    # probes' WRONG_TOKEN may also be in the errorhint or the path the response echoes.
    if token and token != WRONG_TOKEN and SIGNATURE_PATTERN.fullmatch(token) and token in text:
        found.append(("the X-Request-Token value", NO_DOMAIN_SECRET))
    if any(secret in text for secret in facts.secrets):
        found.append(("the domain secret", NO_DOMAIN_SECRET))
    return found


def foreign_identities(case: Any, response: Any, result: Any, facts: SessionFacts) -> list[str]:
    cid = response.request.headers.get(SESSION_HEADER)
    own = facts.owner_identities(cid)
    if marks.session_kind(case.operation) != marks.USER or own is None:
        return []
    sent = sent_fields(response.request)
    if 200 <= response.status_code < 300:
        # updatedata may rename the user: what was accepted is the user's own from now on.
        facts.add_owner_identities(
            cid, *(v for name in IDENTITY_FIELDS for v in sent.get(name, []))
        )
        own = facts.owner_identities(cid) or set()
    return sorted(
        {
            f"{key} {value!r}"
            for key, value in walk_fields(result, IDENTITY_FIELDS)
            if isinstance(value, str) and identity_key(value) not in own
        }
    )


def walk_fields(node: Any, names: tuple[str, ...]):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in names:
                yield key, value
            yield from walk_fields(value, names)
    elif isinstance(node, list):
        for item in node:
            yield from walk_fields(item, names)


def no_secret_in_response(ctx, response, case, *, facts: SessionFacts):
    result = envelope_of(response).get("result")
    refuse_leaks(case, response, facts, foreign_identities(case, response, result, facts))


def refuse_leaks(
    case: Any, response: Any, facts: SessionFacts, foreign: list[str] | None = None
) -> None:
    text = response.content.decode("utf-8", "replace") if response.content else ""
    found = leaked_secrets(response, text, facts) + [
        (f"another user's {item}", NO_FOREIGN_DATA) for item in foreign or []
    ]
    if found:
        fail(
            SecretInResponse,
            case,
            response,
            severity=Severity.CRITICAL,
            rules=tuple(dict.fromkeys(rule for _, rule in found)),
            seen="the response contains " + ", ".join(item for item, _ in found),
            expected="no password, hash, signature, domain secret or other user's data",
            clause="conventions.md#responses: secrets never leave",
        )


def resend(ctx: Any, case: Any, response: Any, changed: Mapping[str, str | None]) -> Any:
    """Send the case again with session headers changed (None drops one); return the answer."""
    sent = {name: response.request.headers.get(name) for name in (SESSION_HEADER, TOKEN_HEADER)}
    sent.update(changed)
    headers = {
        k: v
        for k, v in (case.headers or {}).items()
        if k.lower() not in (SESSION_HEADER.lower(), TOKEN_HEADER.lower())
    }
    headers.update({name: value for name, value in sent.items() if value is not None})
    kwargs = transport_kwargs(ctx)
    if kwargs is None:  # what it was sent with is out of reach (patches.transport_kwargs)
        return None
    # The original transport settings may carry the very session we mean to drop.
    for key in ("session", "auth"):
        kwargs.pop(key, None)
    extra = {
        k: v
        for k, v in (kwargs.pop("headers", None) or {}).items()
        if k.lower() not in (SESSION_HEADER.lower(), TOKEN_HEADER.lower())
    }
    probe = case.derive(headers=headers)
    return probe.call(headers=extra or None, **kwargs)


def probe_due(case: Any, response: Any, check: str, facts: SessionFacts) -> bool:
    # Only a call the server accepted says something about its session rules: a rejected
    # one may have been rejected for its input first. Once per operation and test is enough.
    return (
        marks.session_kind(case.operation) != marks.NONE
        and 200 <= response.status_code < 300
        and facts.first_probe(check, case.operation.label)
    )


def rejected_with(probe: Any, status: int) -> bool:
    hint = metadata_of(envelope_of(probe)).get("errorhint")
    return probe.status_code == status and isinstance(hint, str) and bool(hint.strip())


def describe(probe: Any) -> str:
    hint = metadata_of(envelope_of(probe)).get("errorhint")
    return f"HTTP {probe.status_code}" + (f" ({hint})" if hint else " without errorhint")


# In a probe's headers: the test's anonymous session, known only once the test runs.
ANONYMOUS_CID = "<the test's anonymous session>"


@dataclass(frozen=True)
class SessionProbe:
    """An accepted call sent again with other session headers, and the refusal it must get."""

    failure: type[NexxRuleBroken]  # its check is the one the probe belongs to
    status: int
    call: str  # how the probe differs from the accepted call, as a failure names it
    # The session headers to send instead (None leaves one out).
    headers: dict[str, str | None]
    rule: str
    # Whether the probe says anything about this operation with these facts.
    applies: Callable[[Any, SessionFacts], bool] = lambda case, facts: True

    @property
    def check(self) -> str:
        return self.failure.checks[0]

    def headers_for(self, facts: SessionFacts) -> dict[str, str | None]:
        return {
            name: facts.anonymous_cid if value == ANONYMOUS_CID else value
            for name, value in self.headers.items()
        }


def user_operation_with_an_anonymous_session(case: Any, facts: SessionFacts) -> bool:
    # Outside the suite's tests no anonymous session is known: nothing to probe with.
    return marks.session_kind(case.operation) == marks.USER and facts.anonymous_cid is not None


# The session probes, a table kept in columns (fmt: skip): the failure (named after the
# check that sends the probe), the refusal expected, how the call differs and the session
# headers sent instead; below, the contract rule it checks and when it applies.
MISSING_SESSION_PROBE = SessionProbe(
    MissingSessionAccepted, UNAUTHORIZED, "without X-Request-CID", {SESSION_HEADER: None},
    rule="security X-Request-CID (a session scheme): every operation but init needs a session",
)  # fmt: skip
WRONG_TOKEN_PROBE = SessionProbe(
    WrongTokenAccepted, UNAUTHORIZED, "with a wrong X-Request-Token", {TOKEN_HEADER: WRONG_TOKEN},
    rule="security RequestToken: md5(OPERATION + DOMAINID + DOMAINSECRET) is checked",
)  # fmt: skip
ANONYMOUS_SESSION_PROBE = SessionProbe(
    AnonymousSessionAccepted, FORBIDDEN, "in an anonymous session", {SESSION_HEADER: ANONYMOUS_CID},
    rule="x-nexx-session: user - the operation needs a logged-in user",
    applies=user_operation_with_an_anonymous_session,
)  # fmt: skip


def send_probe(probe: SessionProbe, ctx: Any, case: Any, response: Any, facts: SessionFacts):
    """Resend an accepted call as the probe says; fail unless it gets the probe's refusal."""
    if not probe.applies(case, facts) or not probe_due(case, response, probe.check, facts):
        return
    answer = resend(ctx, case, response, probe.headers_for(facts))
    if answer is None:
        return
    # A refusal is an answer too: its errorhint must not spell out the secret it checked.
    refuse_leaks(case, answer, facts)
    if rejected_with(answer, probe.status):
        return
    # Accepted: the rule the probe checks is broken. Refused some other way: only the status
    # or the errorhint the contract expects of the refusal.
    refused = answer.status_code >= CLIENT_ERROR
    hint = metadata_of(envelope_of(answer)).get("errorhint")
    kind = probe.failure
    if refused:
        kind = RefusedOtherwise if isinstance(hint, str) and hint.strip() else ErrorWithoutHint
    fail(
        kind,
        case,
        answer,
        severity=Severity.CRITICAL if not refused else Severity.MEDIUM,
        seen=f"the call {probe.call} got {describe(answer)}",
        expected=f"{probe.status} with errorhint",
        clause=probe.rule,
    )


def missing_session_is_rejected(ctx, response, case, *, facts: SessionFacts):
    send_probe(MISSING_SESSION_PROBE, ctx, case, response, facts)


def wrong_token_is_rejected(ctx, response, case, *, facts: SessionFacts):
    send_probe(WRONG_TOKEN_PROBE, ctx, case, response, facts)


def anonymous_session_is_rejected_on_user_operations(ctx, response, case, *, facts: SessionFacts):
    send_probe(ANONYMOUS_SESSION_PROBE, ctx, case, response, facts)


def ignored_auth(ctx, response, case, *, facts: SessionFacts):
    """schemathesis' own `ignored_auth`, convinced once per operation and test.

    After an accepted call it resends the call without credentials and once per credential
    with a wrong one. Its CLI does so once per operation and run (a set its check context
    keeps for the run); a pytest test gets a new context for every answer, so the probes went
    again after every accepted case: a tenth of the replay's time and as many extra calls
    to a live target, each proving what the first had (benchmarks/README.md). Here the set
    is the test's, as our own session probes go once per operation and test. The tests run it
    in place of schemathesis' (tests/conformance/contract.py switches that one off).
    """
    check = builtin_check("ignored_auth")
    if check is None:
        return None
    ctx.auth_enforced_operations = facts.auth_enforced
    return check(ctx, response, case)


# Our checks in the order schemathesis runs them after its own; those in SESSION_CHECKS
# need the test's SessionFacts.
RESPONSE_CHECKS = (
    envelope_status_matches_http_status,
    error_has_errorhint,
    error_has_no_result,
    paging_on_lists_is_consistent,
    no_server_error,
)
SESSION_CHECKS = (
    ignored_auth,
    no_secret_in_response,
    missing_session_is_rejected,
    wrong_token_is_rejected,
    anonymous_session_is_rejected_on_user_operations,
)


def answer_checks(facts: SessionFacts) -> list:
    """The checks that judge an answer without sending anything (every one but the session
    probes and schemathesis' ignored_auth): what a scenario's answers are held to."""
    return [
        *RESPONSE_CHECKS,
        update_wrapper(partial(no_secret_in_response, facts=facts), no_secret_in_response),
    ]


def checks_for(facts: SessionFacts) -> list:
    """Our checks for one test, as schemathesis calls them, `(ctx, response, case)`: pass them
    as `case.validate_response(..., additional_checks=checks_for(facts))`."""
    # update_wrapper keeps each check's name: schemathesis names a failure's check by it.
    return [
        *RESPONSE_CHECKS,
        *(update_wrapper(partial(check, facts=facts), check) for check in SESSION_CHECKS),
    ]
