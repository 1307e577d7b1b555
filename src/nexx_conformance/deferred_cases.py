"""An operation's explicit cases are built when its test runs, not while pytest collects.

schemathesis builds the explicit cases of every operation's test at collection: the
documented examples of the quick pass and the coverage cases of the deep pass (boundary
lengths, each pattern's edge values, the negative variants). Hypothesis draws some of
them slowly: one list pattern of the contract alone takes 3 s to explore at its maximum
length. A run spent about 5 s collecting before its first test, so with `-x` a broken
target could fail the run no sooner, although the first quick test needs its own
examples only (benchmarks/README.md, "Fail fast").

`install` lets schemathesis build each test as before but keeps the calls that add those
cases (`add_examples`, `add_coverage`) on the test function, in the order schemathesis
made them; `pytest_runtest_call` makes them just before the test runs. The cases are the
same, in the same order: they come from the same calls with the same arguments, and each
is drawn by a seeded hypothesis run of its own (`generate_one`), whatever ran before it.
The one cache schemathesis shares between the operations of a schema and that decides
what is generated (`coverage_unexpected_methods_seen`) is keyed by path and method, and
every path of the contract has one operation.

Replaces two private functions of `schemathesis.generation.hypothesis.builder`, written
against schemathesis 4.32.5; tests/selftest/test_deferred_cases.py checks that a deferred
test gets exactly the cases an eager one has.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

PENDING = "_nexx_pending_cases"
DEFERRED = ("add_examples", "add_coverage")


def deferring(add_cases: Callable) -> Callable:
    """`add_cases(test, ...)` that queues its call on the test instead of making it."""
    if getattr(add_cases, "nexx_deferred", False):
        return add_cases

    @functools.wraps(add_cases)
    def add_cases_when_run(test, *args, **kwargs):
        pending = test.__dict__.setdefault(PENDING, [])
        pending.append(functools.partial(add_cases, test, *args, **kwargs))
        return test

    add_cases_when_run.nexx_deferred = True
    return add_cases_when_run


def install() -> None:
    from schemathesis.generation.hypothesis import builder

    for name in DEFERRED:
        setattr(builder, name, deferring(getattr(builder, name)))


def add_pending_cases(test) -> None:
    """Makes the calls queued on `test`, once. Each adds its cases to the same function
    object (hypothesis keeps explicit examples in a list on it)."""
    pending = getattr(test, "__dict__", {}).pop(PENDING, ())
    for add_cases in pending:
        added_to = add_cases()
        assert added_to is test, "schemathesis returned another test function than it was given"


def pytest_configure(config: pytest.Config) -> None:
    install()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    add_pending_cases(getattr(item, "obj", None))
