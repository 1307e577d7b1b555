"""Start-up time of the reference server: until it prints its base URL, and until it answers.

    uv run python benchmarks/reference_startup.py [--runs 10] [--launcher both|venv|uv]

Starts `nexx-reference` --runs times per launcher, each time on a free loopback port
(`--port 0`: the server picks it and prints it, so there is no race) with a fresh random
secret handed over in the environment (never printed, never on disk), and measures from
just before the process is spawned:

    base URL printed         the CLI's first line, printed once its socket listens
    /session/init answered   201 from the contract's only unsigned call
    signed call answered     200 from a signed /session/keepalive with that session,
                             i.e. the domain and its secret are loaded: "it has started"

Launchers: `venv` runs the project's `.venv/bin/nexx-reference` (the server's own start-up);
`uv` runs `uv run nexx-reference` (what a user types: uv's own start-up and its lock check
included). Starts alternate between the launchers; each server is stopped before the next
starts. Prints min/median/max per launcher and milestone, and how many starts met the
issue's target ("starts in under 2 seconds": a signed call answered in under 2 s).
Exit status: 0 done (whether or not the target was met), 2 bad options or a server that did
not start (the message says which launcher and shows the end of the server's log).
"""

from __future__ import annotations

import argparse
import os
import secrets
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import httpx

from nexx_conformance.signing import signed_headers
from nexx_conformance.status import CREATED, OK

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_ID = 4713
TARGET_SECONDS = 2.0
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.01
EXIT_OK, EXIT_BAD_SETUP = 0, 2
MILESTONES = ("base URL printed", "/session/init answered", "signed call answered")


class SetupError(Exception):
    """Bad options or a server that did not start; the message says which."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_SETUP, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reference_startup", description=__doc__.split("\n\n")[0])
    group = parser.add_argument_group("measurement")
    group.add_argument(
        "--runs", type=int, default=10, help="starts per launcher (1-100, default 10)"
    )
    group.add_argument(
        "--launcher",
        choices=("both", "venv", "uv"),
        default="both",
        help="venv: .venv/bin/nexx-reference; uv: uv run nexx-reference (default both)",
    )
    return parser


def launchers(choice: str) -> dict[str, list[str]]:
    # Under `uv run python`, sys.executable is the project's .venv/bin/python.
    venv_script = Path(sys.executable).parent / "nexx-reference"
    available = {"venv": [str(venv_script)], "uv": ["uv", "run", "nexx-reference"]}
    chosen = {name: command for name, command in available.items() if choice in ("both", name)}
    if "venv" in chosen and not venv_script.exists():
        raise SetupError(
            f"{venv_script} does not exist: run this with `uv run python` after `uv sync`"
        )
    return chosen


@dataclass
class Timings:
    """Seconds from spawning the process to each milestone, one list entry per start."""

    launcher: str
    seconds: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in MILESTONES})

    def add(self, values: tuple[float, float, float]) -> None:
        for milestone, value in zip(MILESTONES, values, strict=True):
            self.seconds[milestone].append(value)


class StartedServer:
    """One `nexx-reference` child process, its log in a temporary file."""

    def __init__(self, launcher: str, command: list[str], secret: str) -> None:
        self.launcher = launcher
        handle, name = tempfile.mkstemp(prefix="nexx-reference-startup-", suffix=".log")
        os.close(handle)
        self.log_path = Path(name)
        arguments = ["--host", "127.0.0.1", "--port", "0", "--domain-id", str(DOMAIN_ID)]
        try:
            with self.log_path.open("w") as log:
                # Its own process group: `uv run` starts the server as its child, and stopping
                # the group stops both, also when uv does not forward the signal.
                self.process = subprocess.Popen(
                    [*command, *arguments],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                    start_new_session=True,
                    env={**os.environ, "NEXX_DOMAIN_SECRET": secret},
                )
        except OSError:
            self.log_path.unlink(missing_ok=True)
            raise

    def first_line(self, timeout: float) -> str:
        """The first line on stdout, or "" if none came within `timeout` seconds."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return ""
        return self.process.stdout.readline().strip()

    def failed(self, what: str) -> SetupError:
        try:
            self.process.wait(1.0)  # a server that closed its output is usually exiting: say how
        except subprocess.TimeoutExpired:
            pass
        tail = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])
        state = (
            "still running"
            if self.process.poll() is None
            else f"exited with {self.process.returncode}"
        )
        return SetupError(
            f"the reference server ({self.launcher}) {what} ({state}); its log ends:\n"
            f"{tail or '(empty)'}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            # A Ctrl-C meanwhile must not leave the server running.
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                self._signal_group(signal.SIGTERM)
                try:
                    self.process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self._signal_group(signal.SIGKILL)
                    self.process.wait()
            finally:
                signal.signal(signal.SIGINT, previous)
        self.process.stdout.close()
        self.log_path.unlink(missing_ok=True)

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass


def first_answer(
    http: httpx.Client, request: httpx.Request, deadline: float
) -> httpx.Response | None:
    """The first response to `request`, retried while the server refuses connections."""
    while time.monotonic() < deadline:
        try:
            return http.send(request)
        except httpx.TransportError:
            time.sleep(POLL_INTERVAL)
    return None


def time_one_start(launcher: str, command: list[str]) -> tuple[float, float, float]:
    # A fresh secret per start, passed in the environment: never on a command line or on disk.
    secret = secrets.token_urlsafe(24)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    started = time.perf_counter()
    server = StartedServer(launcher, command, secret)
    try:
        base_url = server.first_line(STARTUP_TIMEOUT)
        url_printed = time.perf_counter() - started
        if not base_url.startswith("http://"):
            raise server.failed(
                f"printed no base URL (got {base_url!r}; waited up to {STARTUP_TIMEOUT:g} s)"
            )
        with httpx.Client(timeout=STARTUP_TIMEOUT) as http:
            init = first_answer(
                http,
                http.build_request(
                    "POST",
                    f"{base_url}/{DOMAIN_ID}/session/init",
                    data={"nxp_devh": secrets.token_hex(16)},
                ),
                deadline,
            )
            init_answered = time.perf_counter() - started
            if init is None or init.status_code != CREATED:
                raise server.failed(
                    f"did not answer /session/init with 201 within {STARTUP_TIMEOUT:g} s "
                    f"(got {'no answer' if init is None else init.status_code})"
                )
            cid = cid_of(init)
            if cid is None:
                raise server.failed("answered /session/init without result.general.cid")
            keepalive = http.post(
                f"{base_url}/{DOMAIN_ID}/session/keepalive",
                headers=signed_headers("session/keepalive", DOMAIN_ID, secret, cid),
            )
            signed_answered = time.perf_counter() - started
            if keepalive.status_code != OK:
                raise server.failed(
                    f"answered a signed /session/keepalive with {keepalive.status_code}, not 200"
                )
        return url_printed, init_answered, signed_answered
    except httpx.TransportError as exc:
        raise server.failed(f"broke the connection ({type(exc).__name__})") from None
    finally:
        server.stop()


def cid_of(response: httpx.Response) -> str | None:
    try:
        return response.json()["result"]["general"]["cid"]
    except (ValueError, KeyError, TypeError):
        return None


def report(all_timings: list[Timings], runs: int, load_before: float) -> None:
    print(
        f"{runs} starts per launcher, loopback, {os.cpu_count()} cores, "
        f"load average (1 min) before: {load_before:.2f}"
    )
    print(f"{'launcher':<8} {'milestone':<24} {'min s':>6} {'median s':>9} {'max s':>6}")
    for timings in all_timings:
        for milestone, values in timings.seconds.items():
            print(
                f"{timings.launcher:<8} {milestone:<24} {min(values):>6.2f} "
                f"{statistics.median(values):>9.2f} {max(values):>6.2f}"
            )
    for timings in all_timings:
        answered = timings.seconds[MILESTONES[-1]]
        met = sum(value < TARGET_SECONDS for value in answered)
        print(
            f"target (a signed call answered in under {TARGET_SECONDS:g} s), {timings.launcher}: "
            f"{met} of {len(answered)} starts"
        )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if not 1 <= args.runs <= 100:
            raise SetupError("--runs must be from 1 to 100")
        commands = launchers(args.launcher)
        load_before = os.getloadavg()[0]
        all_timings = {launcher: Timings(launcher) for launcher in commands}
        # Interleaved (venv, uv, venv, uv, ...): a change in the machine's load then skews
        # both launchers alike instead of whichever ran second.
        for _ in range(args.runs):
            for launcher, command in commands.items():
                all_timings[launcher].add(time_one_start(launcher, command))
    except SetupError as exc:
        print(f"reference_startup: error: {exc}", file=sys.stderr)
        return EXIT_BAD_SETUP
    except FileNotFoundError as exc:
        print(
            f"reference_startup: error: cannot start {exc.filename!r}: is uv installed and on PATH?",
            file=sys.stderr,
        )
        return EXIT_BAD_SETUP
    except KeyboardInterrupt:
        print("interrupted; the server was stopped", file=sys.stderr)
        return 130
    report(list(all_timings.values()), args.runs, load_before)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
