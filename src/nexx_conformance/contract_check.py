"""Every answer a scenario receives (and a conformance test's session setup), checked
against the contract.

A scenario asserts its flow's rules; this check adds what every answer owes the contract
whatever the flow, judged by the same functions that judge the generated cases: the rule
catalogue's answer checks (nexx_conformance.checks: metadata.status equals the HTTP status,
errorhint and no result on errors, paging, no server error, no password, hash or secret),
schemathesis' `status_code_conformance` (a status the operation documents) and its response
validation (the body fits the schema documented for that status, content type, headers).
Each failure is graded by its rules (guessed_rules), as the conformance tests grade theirs.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import httpx

from nexx_conformance import checks, guessed_rules
from nexx_conformance.contract import contract
from nexx_conformance.envelope import ApiResponse, json_body
from nexx_conformance.evidence import book
from nexx_conformance.patches import builtin_check

# What a failure shows of schemathesis' explanation: its first line says what broke.
SHOWN_LINES = 1


class ContractViolation(AssertionError):
    """An answer the contract does not allow, whatever the scenario expected."""


@cache
def contract_schema():
    """The contract as a plain schemathesis schema, loaded once per process (with the first
    answer checked: a test whose client sends nothing needs none)."""
    return contract().schemathesis_schema()


def current_test() -> str:
    """The node id of the running test ("" outside one): PYTEST_CURRENT_TEST is the id and
    the phase, "<node id> (call)", and a node id may hold spaces ("[GET /{domainid}/x]")."""
    return os.environ.get("PYTEST_CURRENT_TEST", "").rpartition(" (")[0]


def operation_path(request: httpx.Request, base_url: str) -> str:
    """The request's path below the base URL: /{domainid}/user/..., as the contract names it."""
    base_path = urlsplit(base_url).path.rstrip("/")
    path = request.url.path
    return path[len(base_path) :] if base_path and path.startswith(base_path) else path


@dataclass(frozen=True)
class Problem:
    """One way an answer breaks the contract, and the rules it breaks (None: not graded)."""

    text: str
    rules: tuple[guessed_rules.BrokenRule, ...] | None

    @property
    def guessed(self) -> bool:
        return bool(self.rules) and guessed_rules.only_guessed(self.rules)


class ContractCheck:
    """Raises ContractViolation for an answer its operation does not document."""

    def __init__(
        self,
        base_url: str,
        schema=None,
        guessed_mode: str = guessed_rules.FAIL,
        warnings: guessed_rules.GuessedWarnings | None = None,
        reported: set[tuple[str, ...]] | None = None,
        secrets: tuple[str | None, ...] = (),
    ) -> None:
        self.base_url = base_url
        # The secrets no answer may hold (the domain secret, the eternal session).
        self.facts = checks.SessionFacts(secrets=secrets)
        self._schema = schema
        # Given: a violation (operation and kinds of problem) already in it passes silently,
        # one not yet in it fails and is added. The conformance tests share one per run for
        # the answers that set up their sessions: a login answer that breaks the contract
        # fails the first test that logs in, not every user operation's test, and with a
        # --deviations entry for it the other tests still send and check their own cases.
        self.reported = reported
        # warn: an answer breaking only rules the contract guessed is a warning (a URL
        # target), recorded in `warnings` (the run summary's, in a pytest run).
        self.guessed_mode = guessed_mode
        self.warnings = warnings if warnings is not None else guessed_rules.GuessedWarnings()

    @property
    def schema(self):
        # Loaded with the first answer: a test whose client sends nothing needs none.
        if self._schema is None:
            self._schema = contract_schema()
        return self._schema

    def __call__(self, answer: ApiResponse) -> None:
        problems = self.problems(answer)
        if not problems:
            return
        operation = self.operation(answer)
        if self.guessed_mode == guessed_rules.WARN and all(p.guessed for p in problems):
            test = current_test()
            self.warnings.add(
                test,
                self.operation_id(operation, answer),
                answer.status,
                [rule for problem in problems for rule in problem.rules or ()],
            )
            return
        label = self.label(answer)
        if self.reported is not None:
            violation = (label, *(problem.text.split(":")[0] for problem in problems))
            if violation in self.reported:
                return
            self.reported.add(violation)
        graded = [rule for problem in problems for rule in problem.rules or ()]
        raise ContractViolation(
            f"the answer breaks the contract of {label}:\n  "
            + "\n  ".join(problem.text for problem in problems)
            + f"\n  reproduce: {answer.curl()}"
            + ("\n" + guessed_rules.graded_note(graded) if graded else "")
        )

    def tolerates_status(self, answer: ApiResponse, expected: tuple[int, ...]) -> bool:
        """In warn mode, for a step that expected one of `expected`: True, with a warning
        recorded, when the answer's status is of the same class (a success, a refusal) as
        an expected one and every such expected status of its operation is only guessed.
        The flow's rule (it succeeded, it was refused) held; only our status was a guess."""
        if self.guessed_mode != guessed_rules.WARN:
            return False
        operation = self.operation(answer)
        same_class = [status for status in expected if status // 100 == answer.status // 100]
        if operation is None or not same_class:
            return False
        operation_id = self.operation_id(operation, answer)
        rules = [
            guessed_rules.BrokenRule(
                f"{operation_id} answers {status}", book().status(operation_id, status)
            )
            for status in same_class
        ]
        if not guessed_rules.only_guessed(rules):
            return False
        test = current_test()
        self.warnings.add(test, operation_id, answer.status, rules)
        return True

    @staticmethod
    def operation_id(operation, answer: ApiResponse) -> str:
        if operation is None:
            return f"{answer.request.method} {answer.request.url.path}"
        return operation.definition.raw.get("operationId", operation.label)

    def label(self, answer: ApiResponse) -> str:
        operation = self.operation(answer)
        if operation is None:
            return f"{answer.request.method} {answer.request.url.path}"
        return f"{operation.definition.raw.get('operationId')} ({operation.label})"

    def operation(self, answer: ApiResponse):
        # Found among the contract's operations in microseconds; schemathesis' router
        # compiled every route on its first lookup (60 ms of the first test that checks an
        # answer), and compiled from several threads at once it raced (CPython 3.11 raised
        # SystemError).
        route = contract().operation_at(
            answer.request.method, operation_path(answer.request, self.base_url)
        )
        return None if route is None else self.schema[route.path][route.method]

    def problems(self, answer: ApiResponse) -> list[Problem]:
        operation = self.operation(answer)
        if operation is None:
            # Not a contract operation (an upload URL, a sink): nothing to hold it to.
            return []
        exchange = guessed_rules.Exchange(
            self.operation_id(operation, answer),
            answer.request.method,
            operation.path,
            answer.status,
            json_body(answer.text),
        )
        response = schemathesis_response(answer)
        # A case of the operation, as the checks read it (its operation; nothing is sent).
        case = operation.Case()
        problems = []
        for check in answer_checks(self.facts):
            try:
                check(None, response, case)
            except AssertionError as failure:
                found = guessed_rules.rules_of(failure, exchange)
                problems.append(Problem(shown(failure), None if found is None else tuple(found)))
        if any(problem.text.startswith(UNDOCUMENTED) for problem in problems):
            return problems  # no schema to hold the body to
        for failure in schema_failures(operation, answer):
            found = guessed_rules.rules_of(failure, exchange)
            problems.append(Problem(shown(failure), None if found is None else tuple(found)))
        return problems


# The title of schemathesis' failure for a status the operation does not document (ST103).
UNDOCUMENTED = "Undocumented status code"


def answer_checks(facts: checks.SessionFacts) -> list:
    """What every answer is held to: a documented status (schemathesis' own check, as in
    the conformance tests), then the rule catalogue's answer checks."""
    documented = builtin_check("status_code_conformance")
    return [*([documented] if documented else []), *checks.answer_checks(facts)]


def schemathesis_response(answer: ApiResponse):
    """The answer as schemathesis' checks read a response (its public Response)."""
    import schemathesis

    return schemathesis.Response.from_any(plain_response(answer))


def plain_response(answer: ApiResponse) -> httpx.Response:
    # answer.text is decoded already: with the original Content-Encoding (a staging system
    # behind a gzipping proxy) httpx would decode it a second time and fail.
    headers = [
        (name, value)
        for name, value in answer.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length")
    ]
    response = httpx.Response(
        answer.status, headers=headers, content=answer.text.encode(), request=answer.request
    )
    response.elapsed = datetime.timedelta(0)  # schemathesis reads it; the answer was read already
    return response


def schema_failures(operation, answer: ApiResponse) -> list[BaseException]:
    """schemathesis' failures of the answer against its operation's response (schema,
    content type, headers)."""
    from schemathesis.errors import FailureGroup

    try:
        operation.validate_response(plain_response(answer))
    except FailureGroup as group:
        return list(group.exceptions)
    except AssertionError as failure:
        return [failure]
    return []


def shown(failure: BaseException) -> str:
    title = getattr(failure, "title", type(failure).__name__)
    message = getattr(failure, "message", str(failure)).strip().splitlines()
    detail = " ".join(line.strip() for line in message[:SHOWN_LINES] if line.strip())
    return f"{title}: {detail}"
