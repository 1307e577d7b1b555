"""Guessed rules: a failure whose every broken rule is only our guess.

Every rule the suite asserts has a grade (nexx_conformance.evidence, contracts/evidence.yaml):
stated by a page, observed on a real system or in an official client, or guessed. For a
failure, `broken_rules` finds the rules it breaks, each with its evidence:
  - a body against its schema: each keyword it breaks (jsonschema over the bundle);
  - an invalid request accepted: each constraint of the request it broke, together with
    the rule that invalid input is refused, as strong as the weaker of the two;
  - an undocumented status: that the operation answers no other status;
  - a missing response header: that header's declaration;
  - any other check (ours or schemathesis'): the rule of its failure code (RULE_OF_CODE).
Then, when every broken rule is `guessed`:
  - on the reference and replay targets it fails as any other violation (our own server
    must keep our own rules);
  - on a URL target it is a warning naming each rule and its reason, unless the run asks
    for failures (`--guessed-rules=fail`, NEXX_GUESSED_RULES=fail).
A failure that breaks a `stated` or `observed` rule fails everywhere; in strict mode a
failure names every rule it breaks with its grade.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nexx_conformance import constants as c
from nexx_conformance.contract import contract, pointer
from nexx_conformance.evidence import Evidence, book, weakest
from nexx_conformance.shapes import shape_of
from nexx_conformance.status import SERVER_ERROR

WARN, FAIL = c.GUESSED_RULES_WARN, c.GUESSED_RULES_FAIL
BRANCHING = ("anyOf", "oneOf")
FORM = "application/x-www-form-urlencoded"

# The rule each failure of schemathesis' checks and of ours breaks, by failure code
# (contracts/evidence.yaml, `rules`). Not here: the schema (ST108), an invalid request
# accepted (ST201), an undocumented status (ST103) and a missing header (ST107), which
# break rules of the schema or the operation (`broken_rules`).
RULE_OF_CODE = {
    "ST101": "no-server-error",
    "ST102": "no-server-error",
    "ST104": "content-type",
    "ST105": "content-type",
    "ST106": "content-type",
    "ST109": "json-body",
    "ST110": "json-body",
    "ST111": "json-body",
    "ST112": "response-time",
    "ST202": "valid-input-accepted",
    "ST203": "missing-header-refused",
    "ST204": "undeclared-verb-refused",
    "ST205": "allow-header",
    "ST301": "deleted-stays-deleted",
    "ST302": "created-is-available",
    "ST401": "credentials-checked",
    "ST402": "object-level-authorization",
}
INVALID_INPUT_REFUSED = "invalid-input-refused"
# The keywords whose broken value may be kept as a word (nexx_conformance.shapes.safe_word).
WORD_KEYWORDS = ("enum", "const")


@dataclass(frozen=True)
class Seen:
    """Where a schema keyword broke and the shape of what broke it, never the value
    (nexx_conformance.shapes): what a calibration relaxes the keyword by."""

    location: str  # the schema node's JSON pointer in the bundle
    keyword: str
    at: str  # the JSON path in the answer or request, indices as []
    shape: dict[str, Any] = field(compare=False, hash=False)
    member: str | None = None  # `required`: the missing member
    request: bool = False  # a request the contract calls invalid, accepted


@dataclass(frozen=True)
class Violation:
    """One broken constraint of a body or a request, with the evidence behind it."""

    at: str  # JSON path in the body, e.g. $.result.user.gender
    keyword: str  # the JSON Schema keyword that failed, e.g. additionalProperties
    message: str
    evidence: Evidence
    seen: Seen | None = field(default=None, compare=False)

    @property
    def rule(self) -> str:
        return f"{self.keyword} at {self.at}"

    @property
    def guessed(self) -> bool:
        return self.evidence.guessed


@dataclass(frozen=True)
class BrokenRule:
    """A rule a failure breaks, in words, and why the suite holds it."""

    rule: str
    evidence: Evidence
    seen: Seen | None = field(default=None, compare=False)

    def line(self) -> str:
        return f"{self.rule} ({self.evidence.line()})"


def violations(method: str, template: str, status: int, body: Any) -> list[Violation]:
    """Every constraint of the documented response schema the body breaks; [] when none (or
    when the status documents no JSON body, which other checks report)."""
    schema = contract().response_schema(method, template, status)
    if schema is None:
        return []
    return list(flatten(contract().validator(schema).iter_errors(body)))


def component_violations(name: str, instance: Any) -> list[Violation]:
    """Every constraint of the shared schema `name` (components/schemas) the instance breaks:
    a media item or the metadata on their own, where no operation's answer frames them."""
    validator = contract().validator(contract().component_schema(name))
    return list(flatten(validator.iter_errors(instance)))


def flatten(errors: Iterable[Any]) -> Iterator[Violation]:
    for error in errors:
        if error.validator in BRANCHING and error.context:
            yield from branch_violations(error)
        else:
            yield Violation(
                json_path(error), str(error.validator), error.message, graded(error), seen(error)
            )


def branch_violations(error: Any) -> Iterator[Violation]:
    """An anyOf/oneOf nothing matched: if some branch fails only by guessed rules, those are
    the violations (the body is that branch but for our guesses); else the choice failed."""
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    for subs in branches.values():
        found = list(flatten(subs))
        if found and all(v.guessed for v in found):
            yield from found
            return
    yield Violation(
        json_path(error),
        str(error.validator),
        error.message.splitlines()[0][:300],
        graded(error),
        seen(error),
    )


def missing_field(error: Any) -> str | None:
    if error.validator == "required" and error.message.startswith("'"):
        return error.message.split("'")[1]
    return None


def graded(error: Any) -> Evidence:
    """The evidence of the keyword a jsonschema error broke, where it broke it."""
    return book().keyword(error.schema, str(error.validator), missing_field(error))


def seen(error: Any) -> Seen:
    """Where the keyword broke and the shape of what broke it (no value but a safe word)."""
    keys = [part for part in error.absolute_path if isinstance(part, str)]
    return Seen(
        book().location(error.schema),
        str(error.validator),
        re.sub(r"\[\d+\]", "[]", json_path(error)),
        shape_of(
            error.instance,
            key=keys[-1] if keys else None,
            word=error.validator in WORD_KEYWORDS,
        ),
        missing_field(error),
    )


def json_path(error: Any) -> str:
    return "$" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    )


def only_guessed(found: Iterable[Violation | BrokenRule]) -> bool:
    found = list(found)
    return bool(found) and all(item.evidence.guessed for item in found)


def request_violations(
    method: str, template: str, path: dict | None, query: dict | None, body: Any
) -> list[Violation]:
    """Every constraint of the documented request the sent values break (path and query
    parameters, the form body), as for a response."""
    found: list[Violation] = []
    sent = {"path": path or {}, "query": query or {}}
    for location, name, schema in contract().request_schemas(method, template):
        errors = ()
        if location == "body" and isinstance(body, dict):
            errors, at = contract().validator(schema).iter_errors(body), "body"
        elif name in sent.get(location, {}):
            errors = contract().validator(schema).iter_errors(sent[location][name])
            at = f"{location} parameter {name}"
        for v in flatten(errors):
            where = f"body{v.at[1:]}" if location == "body" else at
            found.append(Violation(where, v.keyword, v.message, v.evidence, asked(v.seen, where)))
    return found


def asked(found: Seen | None, at: str) -> Seen | None:
    """A request's broken keyword, as `seen` names it."""
    if found is None:
        return None
    return Seen(found.location, found.keyword, at, found.shape, found.member, request=True)


@dataclass(frozen=True)
class Exchange:
    """What a failure is graded against: the operation, the answer and the case sent."""

    operation: str  # the operationId
    method: str
    template: str  # the path template, /{domainid}/user/profile
    status: int
    body: Any  # the answer's JSON, or None
    case: Any = None  # schemathesis' case, when there is one


def failures_of(failure: BaseException) -> tuple[BaseException, ...]:
    from schemathesis.errors import FailureGroup

    return failure.exceptions if isinstance(failure, FailureGroup) else (failure,)


def broken_rules(failure: BaseException, exchange: Exchange) -> list[BrokenRule] | None:
    """Every rule `failure` breaks, with its evidence; None when the failure is none the
    suite can grade (it then fails, whatever the mode)."""
    found: list[BrokenRule] = []
    for item in failures_of(failure):
        part = rules_of(item, exchange)
        if part is None:
            return None
        found += part
    return found


def rules_of(failure: BaseException, exchange: Exchange) -> list[BrokenRule] | None:
    evidence = book()
    code = getattr(failure, "code", None)
    # One of our checks names its rules (a class's one, or those an instance broke).
    rule_ids = getattr(failure, "rules", None) or (
        (getattr(failure, "rule", None) or RULE_OF_CODE.get(code)),
    )
    if code == "ST108":  # the body against its schema
        found = violations(exchange.method, exchange.template, exchange.status, exchange.body)
        return [BrokenRule(v.rule, v.evidence, v.seen) for v in found] or None
    if code == "ST201" and exchange.case is not None:  # an invalid request accepted
        refusal = evidence.rule(INVALID_INPUT_REFUSED)
        case = exchange.case
        found = request_violations(
            exchange.method, exchange.template, case.path_parameters, case.query, case.body
        )
        if not found:
            # What was invalid is not in a parameter or the form (a header, the body's type):
            # the refusal is then as strong as its own rule alone says.
            return (
                [BrokenRule(refusal.title, refusal.evidence)] if refusal.evidence.guessed else None
            )
        return [
            BrokenRule(f"{refusal.title}: {v.rule}", weakest(refusal.evidence, v.evidence), v.seen)
            for v in found
        ]
    if code == "ST103":  # an undocumented status
        return undocumented_status_rules(exchange.operation, exchange.status)
    if code == "ST107":  # a documented response header missing
        missing = getattr(failure, "missing_headers", None) or []
        return [
            BrokenRule(f"header {name} on {exchange.status}", header_evidence(exchange, name))
            for name in missing
        ] or None
    if None in rule_ids:
        return None
    return [BrokenRule(rule.title, rule.evidence) for rule in map(evidence.rule, rule_ids)]


def undocumented_status_rules(operation: str, status: int) -> list[BrokenRule]:
    """The rules an undocumented status breaks: that the operation answers no other, and
    each documented status of the same class it answered instead of (a 200 where the
    contract documents 201 breaks "answers 201", as sure as that is)."""
    evidence = book()
    found = [
        BrokenRule(
            f"{operation} answers no status but those it documents ({status} is not one)",
            evidence.complete_statuses(operation),
        )
    ]
    if status >= SERVER_ERROR:  # a server error is never an operation's answer
        rule = evidence.rule("no-server-error")
        found.append(BrokenRule(rule.title, rule.evidence))
    for documented in evidence.documented_statuses(operation):
        if documented[:1] == str(status)[:1] and documented.isdigit():
            found.append(
                BrokenRule(
                    f"{operation} answers {documented}", evidence.status(operation, documented)
                )
            )
    return found


def header_evidence(exchange: Exchange, name: str) -> Evidence:
    """The evidence of a response header's declaration, else of the rule for headers."""
    at, headers = contract().response_headers(exchange.method, exchange.template, exchange.status)
    for declared in headers:
        if declared.lower() == name.lower():
            return book().keyword_at(f"{at}/headers/{pointer(declared)}", "required")
    return book().rule("response-headers").evidence


@dataclass(frozen=True)
class GuessedWarning:
    """A response that broke only guessed rules, on a target where that is a warning."""

    test: str
    operation: str
    status: int
    rules: tuple[tuple[str, str], ...]  # (rule, why it is a guess)
    # Where each schema keyword broke and the shape of what broke it (Seen, as data): what
    # the calibration overlay relaxes (nexx_conformance.calibration).
    seen: tuple[dict[str, Any], ...] = ()

    def line(self) -> str:
        rules = "; ".join(f"{rule} (guessed: {reason})" for rule, reason in self.rules)
        return f"{self.operation} {self.status}: {rules} [{self.test}]"


class GuessedWarnings:
    """The warnings of one process; merged across xdist workers like the coverage."""

    def __init__(self) -> None:
        self.items: list[GuessedWarning] = []

    def add(
        self, test: str, operation: str, status: int, found: Iterable[Violation | BrokenRule]
    ) -> GuessedWarning:
        found = list(found)
        warning = GuessedWarning(
            test,
            operation,
            status,
            tuple(sorted({(v.rule, v.evidence.detail) for v in found})),
            tuple(
                {**asdict(v.seen), "rule": v.rule}
                for v in found
                if getattr(v, "seen", None) is not None
            ),
        )
        self.items.append(warning)
        return warning

    def as_data(self) -> list[dict[str, Any]]:
        return [asdict(item) for item in self.items]

    def merge(self, data: list[dict[str, Any]]) -> None:
        for item in data:
            self.items.append(
                GuessedWarning(
                    item["test"],
                    item["operation"],
                    item["status"],
                    tuple(tuple(rule) for rule in item["rules"]),
                    tuple(item.get("seen", ())),
                )
            )

    def write(self, path: Path) -> None:
        path.write_text(json.dumps({"warnings": self.as_data()}, indent=2) + "\n", encoding="utf-8")


def tolerate(
    failure: BaseException,
    exchange: Exchange,
    *,
    mode: str,
    warnings: GuessedWarnings,
    test: str,
    node: Any = None,
) -> bool:
    """True when every rule `failure` breaks is `guessed` and `mode` is warn: the warning is
    then recorded in `warnings` (the run summary: terminal, reports/guessed-rules.json) and
    the test's JUnit properties instead of the failure. Otherwise the failure stands, and
    it is annotated with every rule it breaks and the grade of each."""
    found = broken_rules(failure, exchange)
    if found and mode == WARN and only_guessed(found):
        warning = warnings.add(test, exchange.operation, exchange.status, found)
        if node is not None:
            node.user_properties.append(("nexx-guessed-rule-warning", warning.line()))
        return True
    if found:
        failure.add_note(graded_note(found))
    return False


def tolerate_case(
    failure: BaseException,
    case: Any,
    response: Any,
    *,
    mode: str,
    warnings: GuessedWarnings,
    node: Any = None,
) -> bool:
    """`tolerate` for a failure of schemathesis' checks on a case and its response (the
    conformance tests, examples, generated cases and linked sequences alike)."""
    from nexx_conformance.contract_marks import operation_id
    from nexx_conformance.envelope import json_body

    exchange = Exchange(
        operation_id(case.operation),
        case.method,
        case.operation.path,
        response.status_code,
        json_body(response.content),
        case,
    )
    test = node.nodeid if node is not None else ""
    return tolerate(failure, exchange, mode=mode, warnings=warnings, test=test, node=node)


def graded_note(found: Iterable[BrokenRule]) -> str:
    """The rules a failure breaks, one a line, each with its grade and source."""
    return "Rules broken, by their evidence (contracts/evidence.yaml):\n" + "\n".join(
        f"  - {item.line()}" for item in dict.fromkeys(found)
    )
