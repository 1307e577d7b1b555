"""Scenario tests: hand-written flows, each recorded to and replayed from its own cassette."""

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every scenario runs inside a cassette: with --record-mode it is recorded, with
    # --target replay it is played back, and on a live target without --record-mode the
    # plugin disables recording so the flow talks to the server directly.
    for item in items:
        if "tests/scenarios/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.scenario)
            item.add_marker(pytest.mark.vcr)
