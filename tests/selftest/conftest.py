"""Selftests of the suite engine; `pytester` runs the plugin in throwaway pytest runs.

The client and envelope tests share a fake nexx target: respx in place of the network at
FAKE_BASE, answering in the nexx envelope.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
import schemathesis

# Imported here, in the selftests' own process, and so never by a pytester run inside it:
# an in-process run drops the modules it imported when it ends, and a PyYAML imported anew
# beside the loader classes schemathesis and the suite cached from the first one reads no
# document any more ("could not determine a constructor for the tag None").
import yaml  # noqa: F401

from nexx_conformance.client import NexxClient
from nexx_conformance.status import OK

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def nexx_tests_here(request: pytest.FixtureRequest) -> None:
    """A pytester run of this package is a run of nexx tests: its directory is declared
    (the ini option nexx_tests), so the plugin's engine switches on there as it does for
    tests/conformance and tests/scenarios (nexx_conformance.pytest_plugin.engine)."""
    if "pytester" in request.fixturenames:
        request.getfixturevalue("pytester").makeini("[pytest]\nnexx_tests = .\n")


FAKE_BASE = "https://api.test/v3.1"
DOMAIN = 4711
SECRET = "s3cret"


def nexx_answer(
    status: int,
    result: Any = None,
    errorhint: str | None = None,
    paging: dict[str, int] | None = None,
) -> httpx.Response:
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


@pytest.fixture
def loopback() -> Iterator[str]:
    """The base URL of a real HTTP server on loopback answering every GET with 200 and an
    empty envelope (for recording, and for what patches the sending libraries)."""

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"metadata": {"status": 200}, "result": null}'
            self.send_response(OK)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# A contract in miniature for the session and auth selftests: the nexx security schemes,
# and operations marked with the session kind they need (x-nexx-session).
PATH_DOMAIN = {
    "name": "domainid",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
PATH_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}


def operation(op_id: str, session: str, **extra) -> dict:
    return {
        "operationId": op_id,
        "x-nexx-session": session,
        "parameters": [PATH_DOMAIN],
        "responses": {"200": {"description": "ok"}},
        **extra,
    }


def signed_schema(title: str, paths: dict):
    """A schemathesis schema of `paths` whose operations all need the two signature headers."""
    return schemathesis.openapi.from_dict(
        {
            "openapi": "3.1.0",
            "info": {"title": title, "version": "1"},
            "components": {
                "securitySchemes": {
                    "RequestCID": {"type": "apiKey", "in": "header", "name": "X-Request-CID"},
                    "RequestToken": {"type": "apiKey", "in": "header", "name": "X-Request-Token"},
                }
            },
            "security": [{"RequestCID": [], "RequestToken": []}],
            "paths": paths,
        }
    )


# The metadata of a documented 200 answer to GET /4711/user/profile (drift, guessed rules).
PROFILE_METADATA = {
    "status": 200,
    "apiversion": "3.1",
    "verb": "GET",
    "processingtime": 0.01,
    "calledwith": "/4711/user/profile",
    "fordomain": 4711,
    "fromstage": 0,
}
