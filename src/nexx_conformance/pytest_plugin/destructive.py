"""The `destructive` marker: what it allows, and the guard that makes it needed.

A test marked `@pytest.mark.destructive` changes shared state on a live target (it removes
an account, buys, makes the backend mail someone): it runs only where destructive tests are
allowed (`--allow-destructive`, NEXX_ALLOW_DESTRUCTIVE=yes; the default on the reference
and replay targets) and is skipped elsewhere with the reason.

The marker cannot be forgotten: while a product test (a scenario, a conformance test) runs,
every call its client makes is held against the contract's operations, and a call of one
marked `x-nexx-destructive` from a test without the marker is not sent; the test fails,
saying to add the marker. On every target, so the omission shows on the bundled server
before the test reaches a live one. Only the test itself is guarded (its call phase): the
cleanup that unregisters test users after the run, or a fixture's teardown, is the suite's
own business, and so are the suite's own unit tests.
"""

from __future__ import annotations

import pytest

from nexx_conformance import constants as c
from nexx_conformance.contract import contract
from nexx_conformance.pytest_plugin.engine import run_of

MARKER = "destructive"
# The product's tests (tests/scenarios and tests/conformance mark theirs).
GUARDED = ("scenario", "conformance")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = run_of(config).target.config
    if settings.allow_destructive:
        return
    skip = pytest.mark.skip(
        reason=(
            f"destructive on {settings.target}: pass --allow-destructive or set "
            f"{c.ENV['allow_destructive']}={c.YES} to run it"
        )
    )
    for item in items:
        if item.get_closest_marker(MARKER):
            item.add_marker(skip)


class DestructiveGuard:
    """Refuses, before it is sent, a call of a destructive operation by an unmarked test."""

    def __init__(self, test: str) -> None:
        self.test = test

    def __call__(self, method: str, path: str) -> None:
        operation = contract().operation_at(method, path)
        if operation is None or not operation.destructive:
            return
        pytest.fail(
            f"nexx: {self.test} calls {operation.operation_id} ({operation.key}), which the "
            f"contract marks x-nexx-destructive (it changes shared state on a live target); "
            f"the call was not sent. Mark the test @pytest.mark.{MARKER}: it then runs where "
            f"destructive tests are allowed (--allow-destructive or "
            f"{c.ENV['allow_destructive']}={c.YES}; the default on the reference and replay "
            f"targets) and is skipped elsewhere (docs/writing-scenarios.md, Markers).",
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    # The test's signed client, when it asked for one (the steps, the session fixtures do).
    client = getattr(item, "funcargs", {}).get("client")
    guards = getattr(client, "guards", None)
    guarded = any(item.get_closest_marker(marker) for marker in GUARDED)
    if guards is None or not guarded or item.get_closest_marker(MARKER):
        return (yield)
    guard = DestructiveGuard(item.nodeid)
    guards.append(guard)
    try:
        return (yield)
    finally:
        guards.remove(guard)
