"""Throughput of the reference server under a mixed, signed User-endpoint workload.

    uv run python benchmarks/reference_throughput.py [--clients 8] [--duration 10]

Starts `nexx-reference` as a separate process on a free loopback port (one AutoAuthorize
domain, a random secret handed over in the environment), then N concurrent clients each
repeat one user's life until the time or the request budget is used up:

    session/init, user/register (skipLogin=1), session/login,
    ROUNDS x (user/profile, user/updatedata, interactions/addtofavourites,
              interactions/addlike, user/favourites), session/logout

Operations the server has no route for yet are skipped and named in the output. Prints
requests, requests per second, p50/p95/p99 latency (overall and per operation) and the
errors by status. Exit status: 0 done, 1 any 5xx or transport error, 2 bad options or a
server that did not start. The server is stopped at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import httpx

from nexx_conformance.client import form_fields
from nexx_conformance.signing import signed_headers
from nexx_conformance.status import CREATED, METHOD_NOT_ALLOWED, NOT_FOUND

DOMAIN_ID = 4712
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 30.0
EXIT_OK, EXIT_SERVER_ERRORS, EXIT_BAD_SETUP = 0, 1, 2
# Operations a reference server may not route yet: path -> (method, form). Video 1 is in
# the catalogue every domain is seeded with (nexx_reference.domain.catalogue).
OPTIONAL_OPERATIONS = {
    "interactions/addtofavourites": ("POST", {"item": 1, "streamtype": "video"}),
    "interactions/addlike": ("POST", {"item": 1, "streamtype": "video"}),
    "user/favourites": ("GET", {"limit": 10}),
}


class SetupError(Exception):
    """Bad options or a server that did not start; the message says which."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_SETUP, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reference_throughput", description=__doc__.split("\n\n")[0])
    group = parser.add_argument_group("workload")
    group.add_argument(
        "--clients", type=int, default=8, help="concurrent clients (1-256, default 8)"
    )
    group.add_argument(
        "--duration", type=float, default=10.0, help="seconds of load (0.5-600, default 10)"
    )
    group.add_argument(
        "--max-requests",
        type=int,
        default=100_000,
        help="stop earlier after this many requests (default 100000)",
    )
    group.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="profile/update/interaction rounds per login (1-100, default 5)",
    )
    return parser


def check_options(args: argparse.Namespace) -> None:
    limits = {
        "clients": (1, 256),
        "duration": (0.5, 600),
        "max_requests": (1, 10_000_000),
        "rounds": (1, 100),
    }
    for name, (low, high) in limits.items():
        if not low <= getattr(args, name) <= high:
            raise SetupError(f"--{name.replace('_', '-')} must be from {low} to {high}")


class ReferenceServer:
    """`nexx-reference` in a child process; its log goes to a temporary file."""

    def __init__(self) -> None:
        # A fresh secret per run, passed in the environment: never on a command line or on disk.
        self.secret = secrets.token_urlsafe(24)
        handle, name = tempfile.mkstemp(prefix="nexx-reference-", suffix=".log")
        os.close(handle)
        self.log_path = Path(name)
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "nexx_reference.cli",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--domain-id",
            f"{DOMAIN_ID}:autoauthorize=1",
        ]
        with self.log_path.open("w") as log:
            # Its own session: Ctrl-C reaches this script only, which then stops the server.
            self.process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env={**os.environ, "NEXX_DOMAIN_SECRET": self.secret},
                start_new_session=True,
            )
        # The CLI prints its base URL once it listens (port 0 = a free port, no race).
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            raise SetupError(f"the reference server did not start:\n{self.log_tail()}")
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SetupError(
                    f"the reference server does not answer at {self.base_url}:\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            response = httpx.post(
                f"{self.base_url}/{DOMAIN_ID}/session/init",
                data={"nxp_devh": "benchmark-probe"},
                timeout=2.0,
            )
        except httpx.TransportError:
            return False
        return response.status_code == CREATED

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # A second Ctrl-C (a terminal sends one to `uv run` and to us, uv forwards its own)
        # must not interrupt the stopping and leave the server running.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        finally:
            signal.signal(signal.SIGINT, previous)


@dataclass
class Recorder:
    """Latencies by operation and failures by (operation, status), within a request budget."""

    budget: int
    deadline: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter = field(default_factory=Counter)
    sent: int = 0

    def may_send(self) -> bool:
        return self.sent < self.budget and time.monotonic() < self.deadline

    def record(self, operation: str, seconds: float, status: int | str) -> None:
        self.latencies[operation].append(seconds)
        if not isinstance(status, int) or status >= 400:
            self.failures[(operation, status)] += 1


class StepFailed(Exception):
    """A step the rest of one user's cycle depends on did not succeed (already recorded)."""


class Budget(Exception):
    """The time or the request budget is used up."""


@dataclass
class Client:
    http: httpx.AsyncClient
    base_url: str
    secret: str
    recorder: Recorder
    cid: str | None = None

    async def call(
        self,
        method: str,
        path: str,
        fields: dict | None = None,
        *,
        signed: bool = True,
        expect: int = 200,
    ) -> dict:
        """The response's envelope; StepFailed (after recording it) on another status."""
        if not self.recorder.may_send():
            raise Budget
        self.recorder.sent += 1
        headers = signed_headers(path, DOMAIN_ID, self.secret, self.cid) if signed else {}
        encoded = form_fields(fields)
        request = self.http.build_request(
            method,
            f"{self.base_url}/{DOMAIN_ID}/{path}",
            headers=headers,
            **({"params": encoded} if method == "GET" else {"data": encoded}),
        )
        started = time.perf_counter()
        try:
            response = await self.http.send(request)
        except httpx.TransportError as exc:
            self.recorder.record(
                path, time.perf_counter() - started, f"transport error ({type(exc).__name__})"
            )
            raise StepFailed from exc
        self.recorder.record(path, time.perf_counter() - started, response.status_code)
        if response.status_code != expect:
            raise StepFailed
        try:
            return response.json()
        except ValueError as exc:
            self.recorder.failures[(path, "body is not JSON")] += 1
            raise StepFailed from exc


async def one_user(
    client: Client, name: str, password: str, optional: list[str], rounds: int
) -> None:
    client.cid = None
    session = await client.call(
        "POST", "session/init", {"nxp_devh": secrets.token_hex(16)}, signed=False, expect=CREATED
    )
    try:
        client.cid = session["result"]["general"]["cid"]
    except (KeyError, TypeError) as exc:
        client.recorder.failures[("session/init", "no result.general.cid")] += 1
        raise StepFailed from exc
    await client.call(
        "POST",
        "user/register",
        {"username": name, "email": f"{name}@example.org", "password": password, "skipLogin": 1},
        expect=CREATED,
    )
    await client.call(
        "POST", "session/login", {"provider": "manual", "username": name, "password": password}
    )
    for round_number in range(rounds):
        # Each is recorded; a failed one does not stop the steps that do not depend on it.
        await attempt(client.call("GET", "user/profile"))
        await attempt(client.call("PUT", "user/updatedata", {"firstname": f"Round{round_number}"}))
        for path in optional:
            method, fields = OPTIONAL_OPERATIONS[path]
            # Adding the same item again is not an error (contract: changed 0).
            await attempt(client.call(method, path, fields))
    await client.call("POST", "session/logout")


async def attempt(call) -> None:
    try:
        await call
    except StepFailed:
        pass


async def client_loop(
    client: Client, index: int, run_id: str, optional: list[str], rounds: int
) -> None:
    password = f"Bench-{secrets.token_hex(6)}-7"
    for cycle in itertools.count():
        try:
            await one_user(client, f"bench_{run_id}_{index}_{cycle}", password, optional, rounds)
        except StepFailed:
            continue  # recorded; the next cycle starts over with a new session
        except Budget:
            return


async def routed_operations(http: httpx.AsyncClient, base_url: str) -> tuple[list[str], list[str]]:
    """Which optional operations the server routes: unsigned, a routed one answers 401."""
    present, missing = [], []
    for path, (method, _) in OPTIONAL_OPERATIONS.items():
        response = await http.request(method, f"{base_url}/{DOMAIN_ID}/{path}")
        routed = response.status_code not in (NOT_FOUND, METHOD_NOT_ALLOWED)
        (present if routed else missing).append(path)
    return present, missing


async def run_load(
    server: ReferenceServer, args: argparse.Namespace
) -> tuple[Recorder, float, list[str]]:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as http:
        present, missing = await routed_operations(http, server.base_url)
        started = time.monotonic()
        recorder = Recorder(args.max_requests, started + args.duration)
        run_id = secrets.token_hex(3)
        clients = [
            Client(http, server.base_url, server.secret, recorder) for _ in range(args.clients)
        ]
        await asyncio.gather(
            *(client_loop(c, i, run_id, present, args.rounds) for i, c in enumerate(clients))
        )
        return recorder, time.monotonic() - started, missing


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list, in milliseconds."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1] * 1000


def latency_line(values: list[float]) -> str:
    ordered = sorted(values)
    return " ".join(
        f"{name} {percentile(ordered, q):8.1f} ms"
        for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
    )


def report(
    recorder: Recorder,
    elapsed: float,
    missing: list[str],
    args: argparse.Namespace,
    load_before: float,
) -> int:
    total = sum(len(v) for v in recorder.latencies.values())
    print(
        f"workload: {args.clients} clients, {args.rounds} rounds per login, "
        f"limit {args.duration:g} s / {args.max_requests} requests, loopback, {os.cpu_count()} cores"
    )
    # Other work on the machine shares the cores: the figure means little without it.
    print(f"load average (1 min) before the run: {load_before:.2f}")
    if missing:
        print(f"skipped (no route on this server yet): {', '.join(missing)}")
    if total == 0:
        print("no request was answered")
        return EXIT_SERVER_ERRORS
    print(f"requests:   {total} in {elapsed:.2f} s")
    print(f"throughput: {total / elapsed:.1f} requests/s")
    print(f"latency:    {latency_line([s for v in recorder.latencies.values() for s in v])}")
    print("by operation:")
    for operation, values in sorted(recorder.latencies.items()):
        print(f"  {operation:30} {len(values):7} {latency_line(values)}")
    if not recorder.failures:
        print("errors: none")
        return EXIT_OK
    print("errors by status:")
    for (operation, status), count in sorted(recorder.failures.items(), key=str):
        print(f"  {status!s:>4} {operation:30} {count}")
    fatal = {k: n for k, n in recorder.failures.items() if not isinstance(k[1], int) or k[1] >= 500}
    if fatal:
        print(
            f"\n!!! {sum(fatal.values())} server errors or broken connections: the server has a bug "
            f"(a 5xx is never a correct answer); its log follows",
            file=sys.stderr,
        )
        return EXIT_SERVER_ERRORS
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    server = ReferenceServer()
    try:
        check_options(args)
        load_before = os.getloadavg()[0]
        server.start()
        print(f"reference server pid {server.process.pid} at {server.base_url}", flush=True)
        recorder, elapsed, missing = asyncio.run(run_load(server, args))
        status = report(recorder, elapsed, missing, args, load_before)
        if status != EXIT_OK:
            print(f"--- server log (last lines) ---\n{server.log_tail(40)}", file=sys.stderr)
        return status
    except SetupError as exc:
        print(f"reference_throughput: error: {exc}", file=sys.stderr)
        return EXIT_BAD_SETUP
    except KeyboardInterrupt:
        print("interrupted; stopping the server", file=sys.stderr)
        return 130
    finally:
        server.stop()
        server.log_path.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
