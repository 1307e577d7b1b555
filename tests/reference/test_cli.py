"""`nexx-reference`: bad configuration is one line and exit 2; good configuration serves."""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
import time

import httpx
import pytest

from nexx_conformance.channels.ports import free_port
from nexx_conformance.client import NexxClient

EXIT_BAD_CONFIGURATION = 2
SECRET = "cli-test-secret-value"
# Seconds before a server that never prints its URL or never answers fails the test.
HANG_GUARD = 30.0


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEXX_")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "nexx_reference.cli", *args],
        check=False,
        capture_output=True,
        text=True,
        env=environ,
        timeout=30,
    )


@pytest.mark.parametrize(
    "args, env, says",
    [
        pytest.param(["--domain-id", "4711"], {}, "no domain secret", id="no-secret"),
        pytest.param(
            ["--domain-id", "4711:autoauthorize=2", "--domain-secret", SECRET],
            {},
            "autoauthorize must be 0 or 1",
            id="bad-flag-value",
        ),
        pytest.param(
            ["--domain-id", "47x1", "--domain-secret", SECRET],
            {},
            "the id must be an integer",
            id="bad-domain-id",
        ),
        pytest.param(
            ["--domain-id", "4711:color=red", "--domain-secret", SECRET],
            {},
            "is not one of",
            id="unknown-key",
        ),
        pytest.param(
            ["--domain-id", "4711", "--domain-secret", SECRET, "--smtp", "localhost"],
            {},
            "expected HOST:PORT",
            id="smtp-without-port",
        ),
        pytest.param(
            ["--domain-secret", SECRET],
            {"NEXX_DOMAIN_ID": "0"},
            "the id must be an integer",
            id="bad-domain-id-from-environment",
        ),
        pytest.param(
            ["--domain-id", "4711", "--port", "eighty"],
            {"NEXX_DOMAIN_SECRET": SECRET},
            "--port",
            id="port-not-a-number",
        ),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(
    args: list[str], env: dict[str, str], says: str
) -> None:
    result = run_cli(*args, env=env)
    assert result.returncode == EXIT_BAD_CONFIGURATION
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr
    assert "Traceback" not in result.stderr and SECRET not in result.stderr + result.stdout


def test_port_taken_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli(
            "--domain-id", "4711", "--port", str(port), env={"NEXX_DOMAIN_SECRET": SECRET}
        )
    assert result.returncode == EXIT_BAD_CONFIGURATION
    assert len(result.stderr.strip().splitlines()) == 1 and f"127.0.0.1:{port}" in result.stderr


def first_line(process: subprocess.Popen, timeout: float) -> str:
    """The first line the process prints, or "" if it prints none within `timeout` seconds."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return process.stdout.readline().strip()


def test_serves_over_http_with_the_secret_from_the_environment() -> None:
    # How fast it starts is measured by benchmarks/reference_startup.py, not asserted here:
    # a timed assertion flakes on a loaded machine. HANG_GUARD only stops a hung server.
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEXX_")}
    environ["NEXX_DOMAIN_SECRET"] = SECRET
    deadline = time.monotonic() + HANG_GUARD
    # No --domain-id: the suite's default domain 4711 is served.
    process = subprocess.Popen(
        [sys.executable, "-m", "nexx_reference.cli", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    client = NexxClient(f"http://127.0.0.1:{port}/v3.1", 4711, SECRET)
    try:
        base_url = first_line(process, HANG_GUARD)
        assert base_url == f"http://127.0.0.1:{port}/v3.1", (
            f"expected the base URL as the first line within {HANG_GUARD:g} s, got {base_url!r}"
        )
        session = None
        while session is None and time.monotonic() < deadline:
            try:
                session = client.init(nxp_devh="cli-device-1")  # refused unless 201 with a session
            except httpx.TransportError:
                time.sleep(0.05)
        assert session is not None, (
            f"{base_url}/4711/session/init did not answer within {HANG_GUARD:g} s"
        )
    finally:
        client.close()
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert SECRET not in stderr and "Traceback" not in stderr
