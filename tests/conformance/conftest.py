"""Property-based conformance: the sessions each generated case is sent with.

Each case gets the session its operation's `x-nexx-session` asks for. The sessions belong to
the running test (opened lazily, inside its cassette), so a test replays the same requests
whatever ran before it, with or without xdist.
"""

from __future__ import annotations

import pytest

from nexx_conformance.checks import REGISTRY
from nexx_conformance.patches import name_with_params

from .sessions import CaseSessions, ConformanceAuth


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every conformance test runs inside its own cassette (recorded with --record-mode,
    # played back with --target replay, bypassed on a live target otherwise).
    for item in items:
        if "tests/conformance/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.vcr)
            name_after_operation(item)


def name_after_operation(item: pytest.Item) -> None:
    # schemathesis names each item after its operation ("...[GET /{domainid}/user/profile]")
    # but under pytest 9 the node id keeps the bare function name, so every operation would
    # share one id in JUnit, in -k/--lf and in xdist's scheduling.
    label = getattr(item, "operation_label", None)
    if label and not item.nodeid.endswith("]"):
        name_with_params(item, label)


@pytest.fixture
def case_sessions(client, user_factory, nexx_config, authenticator_app):
    """The sessions of this test by kind, opened on first use; the checks learn whose they are."""
    REGISTRY.add_secret(nexx_config.domain_secret)
    REGISTRY.add_secret(nexx_config.eternal_cid)
    sessions = CaseSessions(client, user_factory, nexx_config, authenticator_app)
    ConformanceAuth.current = sessions
    yield sessions
    ConformanceAuth.current = None
    REGISTRY.forget_sessions()
    sessions.close()
