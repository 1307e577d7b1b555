"""Every answer a scenario receives (and a conformance test's session setup), checked
against the contract.

A scenario asserts its flow's rules; this check adds what every answer owes the contract
whatever the flow: no password sent and no password hash comes back, the status is one the
operation documents, the body fits the schema documented for that status, and
`metadata.status` equals the HTTP status.
"""

from __future__ import annotations

import copy
import datetime
import os
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from nexx_conformance import guessed_rules
from nexx_conformance.checks import passwords_in, sent_fields
from nexx_conformance.coverage import ContractOperation, declared_operations, operation_at
from nexx_conformance.envelope import ApiResponse, json_body

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "nexx-user.openapi.yaml"
# What a failure shows of schemathesis' explanation: its first line says what broke.
SHOWN_LINES = 1


class ContractViolation(AssertionError):
    """An answer the contract does not allow, whatever the scenario expected."""


def new_contract_schema():
    """A schemathesis schema of its own over the contract's single-file bundle, which is
    parsed once per process (guessed_rules.bundle) and copied for each schema (schemathesis
    writes into the document it is given). From the bundle, where every `$ref` is local,
    schemathesis resolves the 73 operations in 10 ms; from the multi-file source, reading
    and resolving its 14 files took 0.25 s per schema, before the first test of every run.
    The bundle is the source's (`scripts/bundle-contract --check`, in `tox -e lint`)."""
    import schemathesis

    return schemathesis.openapi.from_dict(copy.deepcopy(guessed_rules.bundle()))


@cache
def contract_schema():
    """The contract as a plain schemathesis schema, loaded once per process."""
    return new_contract_schema()


@cache
def contract_routes() -> tuple[ContractOperation, ...]:
    """The contract's operations by method and path template, from the bundle. An answer's
    operation is found among them in microseconds; schemathesis' router compiled every route
    on its first lookup (60 ms of the first test that checks an answer), and compiled from
    several threads at once it raced (CPython 3.11 raised SystemError)."""
    return tuple(declared_operations(guessed_rules.bundle()))


def operation_path(request: httpx.Request, base_url: str) -> str:
    """The request's path below the base URL: /{domainid}/user/..., as the contract names it."""
    base_path = urlsplit(base_url).path.rstrip("/")
    path = request.url.path
    return path[len(base_path) :] if base_path and path.startswith(base_path) else path


class ContractCheck:
    """Raises ContractViolation for an answer its operation does not document."""

    def __init__(
        self,
        base_url: str,
        schema=None,
        guessed_mode: str = guessed_rules.FAIL,
        warnings: guessed_rules.GuessedWarnings | None = None,
        reported: set[tuple[str, ...]] | None = None,
    ) -> None:
        self.base_url = base_url
        self._schema = schema
        # Given: a violation (operation and kinds of problem) already in it passes silently,
        # one not yet in it fails and is added. The conformance tests share one per run for
        # the answers that set up their sessions: a login answer that breaks the contract
        # fails the first test that logs in, not every user operation's test, and with a
        # --deviations entry for it the other tests still send and check their own cases.
        self.reported = reported
        # warn: a body breaking only rules the contract guessed is a warning (a URL target),
        # recorded in `warnings` (the run summary's, in a pytest run).
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
        label = self.label(answer)
        if self.reported is not None:
            violation = (label, *(problem.split(":")[0] for problem in problems))
            if violation in self.reported:
                return
            self.reported.add(violation)
        raise ContractViolation(
            f"the answer breaks the contract of {label}:\n  "
            + "\n  ".join(problems)
            + f"\n  reproduce: {answer.curl()}"
        )

    def label(self, answer: ApiResponse) -> str:
        operation = self.operation(answer)
        if operation is None:
            return f"{answer.request.method} {answer.request.url.path}"
        return f"{operation.definition.raw.get('operationId')} ({operation.label})"

    def operation(self, answer: ApiResponse):
        route = operation_at(
            contract_routes(),
            answer.request.method,
            operation_path(answer.request, self.base_url),
        )
        return None if route is None else self.schema[route.path][route.method]

    def problems(self, answer: ApiResponse) -> list[str]:
        operation = self.operation(answer)
        if operation is None:
            # Not a contract operation (an upload URL, a sink): nothing to hold it to.
            return []
        # A password sent, or any password hash, is never part of an answer (a critical
        # rule, conventions.md#responses), whatever the schema allows or guesses.
        leaks = passwords_in(answer.text, sent_fields(answer.request))
        problems = [f"the answer contains {', '.join(leaks)}"] if leaks else []
        if operation.responses.find_by_status_code(answer.status) is None:
            documented = ", ".join(sorted(str(code) for code in operation.responses.status_codes))
            return [
                *problems,
                f"status {answer.status} is not documented (documented: {documented})",
            ]
        if answer.metadata.get("status") != answer.status:
            problems.append(
                f"metadata.status is {answer.metadata.get('status')!r}, "
                f"the HTTP status {answer.status}"
            )
        broken = schema_problems(operation, answer)
        if broken and not problems and self.only_guessed(operation, answer):
            return []
        problems.extend(broken)
        return problems

    def only_guessed(self, operation, answer: ApiResponse) -> bool:
        """In warn mode: the body breaks only guessed rules; the warning is then recorded."""
        if self.guessed_mode != guessed_rules.WARN:
            return False
        found = guessed_rules.violations(
            answer.request.method, operation.path, answer.status, json_body(answer.text)
        )
        if not guessed_rules.only_guessed(found):
            return False
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
        self.warnings.add(
            test, operation.definition.raw.get("operationId", operation.label), answer.status, found
        )
        return True


def schema_problems(operation, answer: ApiResponse) -> list[str]:
    from schemathesis.core.failures import FailureGroup

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
    try:
        operation.validate_response(response)
    except FailureGroup as group:
        return [shown(failure) for failure in group.exceptions]
    except AssertionError as failure:
        return [shown(failure)]
    return []


def shown(failure: BaseException) -> str:
    title = getattr(failure, "title", type(failure).__name__)
    message = getattr(failure, "message", str(failure)).strip().splitlines()
    detail = " ".join(line.strip() for line in message[:SHOWN_LINES] if line.strip())
    return f"{title}: {detail}"
