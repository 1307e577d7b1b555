"""Property-based conformance: the sessions each generated case is sent with.

Each case gets the session its operation's `x-nexx-session` asks for. The sessions belong to
the running test (opened lazily, inside its cassette), so a test replays the same requests
whatever ran before it, with or without xdist.
"""

from __future__ import annotations

import pytest

from nexx_conformance import contract_marks as marks
from nexx_conformance.contract import contract
from nexx_conformance.patches import name_with_params
from nexx_conformance.sessions import SessionBroker

# What a test must set up before its first call, by the session its operation needs: none;
# an anonymous session; a registered, logged-in user; the backend session; a second user
# with an app whose login is held.
SESSION_COST = {
    marks.NONE: 0,
    marks.ANONYMOUS: 1,
    marks.USER: 2,
    marks.ETERNAL: 3,
    marks.PENDING_LOGIN: 4,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every conformance test runs inside its own cassette (recorded with --record-mode,
    # played back with --target replay, bypassed on a live target otherwise), and its
    # client's answers (the sessions' setup) are checked against the contract.
    for item in items:
        if "tests/conformance/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.vcr)
            item.add_marker(pytest.mark.conformance)
            name_after_operation(item)
    cheapest_examples_first(items)


def cheapest_examples_first(items: list[pytest.Item]) -> None:
    """The quick pass's operations by what their tests set up first: one operation of each
    session kind, cheapest kind first, then the others, cheapest kind first, each kind in
    contract order. With -x, a target broken for everyone fails the run on an operation
    that needs no user, and one whose registration or login answers break the contract
    (the setup's answers are checked) fails it on the first user operation, before the
    other operations of the cheaper kinds have run."""
    slots = [i for i, item in enumerate(items) if item.nodeid.startswith(EXAMPLES_FILE)]
    # The session kinds from the contract's own reading (in schemathesis' schema the
    # operations by label are resolved one by one, 0.2 s before the first test).
    sessions = {operation.key: operation.session for operation in contract().operations}

    def cost(item: pytest.Item) -> int:
        label = getattr(item, "operation_label", "")
        return SESSION_COST.get(sessions.get(label, marks.DEFAULT_SESSION), 0)

    costs = [cost(items[i]) for i in slots]
    first_of_kind = {kind: costs.index(kind) for kind in set(costs)}

    def order(position: int) -> tuple[bool, int]:
        return position != first_of_kind[costs[position]], costs[position]

    ordered = [items[slots[position]] for position in sorted(range(len(slots)), key=order)]
    for slot, item in zip(slots, ordered, strict=True):
        items[slot] = item


EXAMPLES_FILE = "tests/conformance/test_examples.py::"


def name_after_operation(item: pytest.Item) -> None:
    # schemathesis names each item after its operation ("...[GET /{domainid}/user/profile]")
    # but under pytest 9 the node id keeps the bare function name, so every operation would
    # share one id in JUnit, in -k/--lf and in xdist's scheduling.
    label = getattr(item, "operation_label", None)
    if label and not item.nodeid.endswith("]"):
        name_with_params(item, label)


def session_broker(
    target, client, user_factory, authenticator_app, *, isolate_session_changes: bool
) -> SessionBroker:
    return SessionBroker(
        client,
        target.config.domain_secret,
        user_factory,
        eternal_cid=target.config.eternal_cid,
        authenticator_app=authenticator_app,
        isolate_session_changes=isolate_session_changes,
        uses_environment_proxies=target.uses_environment_proxies,
    )


@pytest.fixture
def case_sessions(target, client, user_factory, authenticator_app):
    """The sessions of this test by kind, opened on first use; its users removed at the end."""
    broker = session_broker(
        target, client, user_factory, authenticator_app, isolate_session_changes=False
    )
    yield broker
    broker.close()


@pytest.fixture
def linked_sessions(target, client, user_factory, authenticator_app):
    """As case_sessions, for a sequence of linked calls: a call that logs out or in gets a
    session of its own, so it cannot end the one the others use."""
    broker = session_broker(
        target, client, user_factory, authenticator_app, isolate_session_changes=True
    )
    yield broker
    broker.close()
