"""The operations' explicit cases are built when the tests run, not while pytest collects.

schemathesis builds the explicit cases of every operation's test at collection: the
documented examples of the quick pass and the coverage cases of the deep pass (boundary
lengths, each pattern's edge values, the negative variants). Hypothesis draws some of
them slowly: one list pattern of the contract alone takes 3 s to explore at its maximum
length. A run spent about 5 s collecting before its first test, so with `-x` a broken
target could fail the run no sooner, although the first quick test needs only its own
operation's examples (benchmarks/README.md, "Fail fast").

From `pytest_configure` on, schemathesis builds each test as before, but the calls that
add those cases (`add_examples`, `add_coverage`) are queued in the order it made them.
Before a test's fixtures are set up, the queue is worked off up to that test's own calls.
So the calls are made with the same arguments, in the same order and outside any test,
as at collection, whichever tests run and on which xdist worker. The cases depend on
both: schemathesis' generation caches are shared by all operations of a process (seen:
an enum's values added to another operation's coverage cases or not), and it asks the
auth provider for each coverage case (inside a test ours would open sessions). Tests run
in collection order, the quick pass first, so the quick pass builds its own examples and
the deep pass the coverage cases.

What it relies on of schemathesis and hypothesis is in
nexx_conformance.patches (`defer_explicit_cases`);
tests/selftest/pytest_plugin/test_deferred_cases.py checks that a deferred test gets
exactly the cases an eager one has.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

from nexx_conformance.patches import defer_explicit_cases


class PendingCases:
    """Calls that add explicit cases to a test function, queued in the order they were made."""

    def __init__(self) -> None:
        self._calls: list[tuple[object, Callable]] = []

    def deferring(self, add_cases: Callable) -> Callable:
        """`add_cases(test, ...)` that queues its call instead of making it."""

        @functools.wraps(add_cases)
        def add_cases_when_run(test, *args, **kwargs):
            self._calls.append((test, functools.partial(add_cases, test, *args, **kwargs)))
            return test

        return add_cases_when_run

    def add_cases_to(self, test) -> None:
        """Makes the queued calls up to and including the last one for `test`, in order; each
        adds its cases to its own test function (hypothesis keeps them in a list on it)."""
        last = max(
            (index for index, (queued, _) in enumerate(self._calls) if queued is test), default=None
        )
        if last is None:
            return
        due, self._calls = self._calls[: last + 1], self._calls[last + 1 :]
        for queued, add_cases in due:
            added_to = add_cases()
            assert added_to is queued, (
                "schemathesis returned another test function than it was given"
            )


PENDING_KEY = pytest.StashKey[PendingCases]()
RESTORE_KEY = pytest.StashKey[Callable[[], None]]()


def pytest_configure(config: pytest.Config) -> None:
    pending = config.stash[PENDING_KEY] = PendingCases()
    config.stash[RESTORE_KEY] = defer_explicit_cases(pending.deferring)


def pytest_unconfigure(config: pytest.Config) -> None:
    if RESTORE_KEY in config.stash:
        config.stash[RESTORE_KEY]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before the test's fixtures, as at collection: no session, no cassette. schemathesis asks
    # the auth provider while it builds the cases; inside a test ours would open sessions.
    item.config.stash[PENDING_KEY].add_cases_to(getattr(item, "obj", None))
