"""Selftests of the suite engine; `pytester` runs the plugin in throwaway pytest runs.

The client and envelope tests share a fake nexx target: respx in place of the network at
FAKE_BASE, answering in the nexx envelope.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from nexx_conformance.client import NexxClient

pytest_plugins = ["pytester"]

FAKE_BASE = "https://api.test/v3.1"
DOMAIN = 4711
SECRET = "s3cret"


def nexx_answer(status: int, result: Any = None, errorhint: str | None = None,
                paging: dict[str, int] | None = None) -> httpx.Response:
    """A response of the fake target in the nexx envelope (metadata, result, paging)."""
    metadata: dict[str, Any] = {"status": status, "apiversion": "3.1"}
    if errorhint:
        metadata["errorhint"] = errorhint
    body: dict[str, Any] = {"metadata": metadata, "result": result}
    if paging:
        body["paging"] = paging
    return httpx.Response(status, json=body)


@pytest.fixture
def fake_nexx() -> Iterator[respx.MockRouter]:
    """The fake target: a respx router whose routes are paths below FAKE_BASE."""
    with respx.mock(base_url=FAKE_BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client() -> NexxClient:
    """A client of domain 4711 on the fake target, signing with SECRET."""
    return NexxClient(FAKE_BASE, DOMAIN, SECRET)
