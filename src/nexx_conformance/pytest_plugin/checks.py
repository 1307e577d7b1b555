"""Our schemathesis checks (nexx_conformance.checks), registered with schemathesis when the
plugin loads, and what they learnt about one test forgotten before the next."""

from __future__ import annotations

import pytest

from nexx_conformance import checks  # noqa: F401  (registers our checks with schemathesis)
from nexx_conformance.checks import REGISTRY


def pytest_runtest_setup(item: pytest.Item) -> None:
    REGISTRY.forget_probes()
