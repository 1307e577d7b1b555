"""Our scenarios are held to the contract like the suite's own: every answer they get is
checked (the `scenario` marker), and a call of a destructive operation needs `destructive`."""

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.scenario)
