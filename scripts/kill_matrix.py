"""Run the suite (or the schemathesis CLI alone) against the clean reference server, each
benign variant and each catalogued fault, and write the kill matrix.

    uv run tox -e faults        # the suite, both columns:   python scripts/kill_matrix.py
    uv run tox -e faults-cli    # the CLI:     python scripts/kill_matrix.py --runner cli
    python scripts/kill_matrix.py --only clean,user-without-email   # a subset
    python scripts/kill_matrix.py --runner suite-default            # one column

The suite has two columns, both against a URL target: `suite` holds every rule
(--guessed-rules=fail, the strict release gate), `suite-default` runs with the URL target's
defaults, as a team's staging run does (a failure of guessed rules only is a warning): a
fault it does not kill but warns about is `warned`, with the rules it warned of.

Each run gets a reference server process of its own (`nexx-reference --fault NAME` or
`--variant NAME`) on free loopback ports, with random secrets and, for the suite, its
own mail and SMS sinks; `--jobs` runs go at once. The suite runs with -x, the CLI with
--max-failures 1, so the time to the first failure is measured. Results go to
reports/kill-matrix.json (the other runner's column is kept) and reports/kill-matrix.html.

Exit status: 1 if the clean run fails or a benign variant raises a failure (a false
alarm), and, for the suite, if a catalogued fault survives; else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Self
from xml.etree import ElementTree

from nexx_conformance.contract import contract
from nexx_conformance.kill_matrix import failure_title, render_page, summary

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The multi-file source, as the README's CLI command names it.
CONTRACT = contract().source
DOMAINS = {
    "NEXX_DOMAIN_ID": "4711",
    "NEXX_DOMAIN_ID_AUTOAUTHORIZE": "4712",
    "NEXX_DOMAIN_ID_SMS2FA": "4713",
}
SERVER_DOMAINS = [
    "--domain-id",
    "4711",
    "--domain-id",
    "4712:autoauthorize=1",
    "--domain-id",
    "4713:twofactor=sms",
]
STARTUP_SECONDS = 30
# A run that takes longer is stopped and counted as an error (a hang is no verdict).
RUN_LIMIT_SECONDS = 1800
CLI_MAX_EXAMPLES = 5
# Without the coverage phase: on a busy 2-core machine it took 233 of a run's 300 s at any
# --max-examples, and the CLI's first failures come from the examples phase anyway.
CLI_PHASES = "examples,fuzzing,stateful"
PYTEST_EXIT = {
    0: "passed",
    1: "failed",
    2: "interrupted",
    3: "internal error",
    4: "usage error",
    5: "no tests",
}
PYCACHE = str(ROOT / ".tox" / ".pycache")
# The first failing test's line, or the preflight's refusal (the run stops before its
# first test); either is timed when printed, before the run writes its reports.
FIRST_FAILURE = re.compile(
    r"^(?P<test>\S+::\S+.*?) (?P<verdict>FAILED|ERROR)\b|nexx: cannot start the run"
)


@dataclass(frozen=True)
class Planned:
    name: str
    kind: str
    description: str
    killer: str
    switch: list[str] = field(
        default_factory=list
    )  # nexx-reference options: --fault X / --variant X
    # A variant that breaks only rules the contract guessed: the strict suite must fail on
    # guessed rules only (`guesses-refused`), the default suite must pass.
    breaks_guesses: bool = False

    @property
    def role(self) -> str:
        return self.kind if self.kind in ("clean", "benign") else "fault"


def plan(only: set[str] | None) -> list[Planned]:
    listed = json.loads(
        subprocess.run(
            [str(BIN / "nexx-reference"), "--list-faults"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    runs = [Planned("clean", "clean", "the reference server as it is", "-")]
    runs += [
        Planned(
            v["name"],
            "benign",
            v["description"],
            v["killer"],
            ["--variant", v["name"]],
            v.get("breaks_guesses", False),
        )
        for v in listed["variants"]
    ]
    runs += [
        Planned(f["name"], f["kind"], f["description"], f["killer"], ["--fault", f["name"]])
        for f in listed["faults"]
    ]
    if only:
        unknown = only - {run.name for run in runs}
        if unknown:
            sys.exit(f"kill-matrix: no fault or variant named {', '.join(sorted(unknown))}")
        runs = [run for run in runs if run.name in only]
    return runs


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_env(work: Path) -> dict[str, str]:
    """The parent's environment without NEXX_* (nothing of a staging setup leaks in) plus random secrets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXX_")}
    env.update(
        DOMAINS,
        NEXX_DOMAIN_SECRET=secrets.token_urlsafe(24),
        NEXX_ETERNAL_CID=secrets.token_urlsafe(24),
        NEXX_REPORT_DIR=str(work / "reports"),
        PYTHONUNBUFFERED="1",
        # Bytecode cached outside the tree, as tox caches it (tox.ini): without a cache
        # every run, suite or CLI, compiled schemathesis, hypothesis and the rest anew and
        # pytest rewrote the plugin's asserts again, 2 s of each time to a first failure
        # (benchmarks/README.md, "Fail fast").
        PYTHONDONTWRITEBYTECODE="",
        PYTHONPYCACHEPREFIX=os.environ.get("PYTHONPYCACHEPREFIX") or PYCACHE,
    )
    return env


class Server:
    """A reference server process with the run's fault or variant; stopped on exit."""

    def __init__(self, run: Planned, env: dict[str, str], smtp: int, sms: int, log: Path) -> None:
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [
                str(BIN / "nexx-reference"),
                "--port",
                "0",
                *SERVER_DOMAINS,
                "--smtp",
                f"127.0.0.1:{smtp}",
                "--sms-webhook",
                f"http://127.0.0.1:{sms}/sms",
                "--password-hash-cost",
                "cheapest",
                *run.switch,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            cwd=ROOT,
        )
        self.base_url = self._read_url(log)

    def _read_url(self, log: Path) -> str:
        found: list[str] = []
        reader = threading.Thread(
            target=lambda: found.append(self.process.stdout.readline()), daemon=True
        )
        reader.start()
        reader.join(STARTUP_SECONDS)
        if not found or not found[0].startswith("http://"):
            self.stop()
            raise RuntimeError(f"the reference server did not start: {log.read_text()[-500:]}")
        return found[0].strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def streamed(
    command: list[str], env: dict[str, str], output: Path, first_failure: re.Pattern[str] | None
) -> tuple[int, float, float | None, str | None]:
    """Run `command`; its exit code, wall seconds, and the seconds to (and the line of) the first
    output line matching `first_failure`."""
    started = time.monotonic()
    first: tuple[float, str] | None = None
    with output.open("w") as sink:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        timer = threading.Timer(RUN_LIMIT_SECONDS, process.kill)
        timer.start()
        for line in process.stdout:
            sink.write(line)
            sink.flush()  # readable while the run goes on
            if first is None and first_failure is not None and first_failure.search(line):
                first = (time.monotonic() - started, line.strip())
        code = process.wait()
        timer.cancel()
    wall = time.monotonic() - started
    return code, wall, first[0] if first else None, first[1] if first else None


def first_junit_failure(junit: Path) -> tuple[str | None, str | None]:
    """The first failed test of a JUnit file and the first line(s) of what it broke."""
    if not junit.exists():
        return None, None
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        for problem in (*case.findall("failure"), *case.findall("error")):
            return f"{case.get('classname', '')}::{case.get('name', '')}", failure_title(
                problem.get("message") or problem.text or ""
            )
    return None, None


def run_suite(run: Planned, work: Path, strict: bool = True) -> dict:
    env = base_env(work)
    smtp, sms = free_port(), free_port()
    with Server(run, env, smtp, sms, work / "server.log") as server:
        command = [
            str(BIN / "python"),
            "-m",
            "pytest",
            "--target",
            server.base_url,
            "--mailbox",
            f"smtp://127.0.0.1:{smtp}",
            "--sms-inbox",
            f"webhook://127.0.0.1:{sms}",
            "--allow-destructive",
            "--allow-side-effects",
            "-x",
            "-v",
            "-p",
            "no:randomly",
            # strict: every rule, guessed or not (the release gate); else the URL defaults.
            *(["--guessed-rules=fail"] if strict else []),
        ]
        code, wall, first, line = streamed(command, env, work / "output.txt", FIRST_FAILURE)
    test, check = first_junit_failure(work / "reports" / "junit.xml")
    if code == 4:  # bad configuration: the preflight refused the target before the first test
        test, check = "preflight", stop_reason(work / "output.txt")
        first = first if first is not None else wall
    if test is None and line:
        test = FIRST_FAILURE.search(line).group("test")
    return {
        **verdict(run, code, wall, first, test, check),
        **guessed_warnings(work / "reports" / "guessed-rules.json"),
    }


GRADED_RULE = re.compile(r"^E?\s+- .+ \((?P<grade>stated|observed|guessed): ", re.MULTILINE)


def graded_rules(output: Path) -> list[str]:
    """The grades of the rules a strict run's failure named (its "Rules broken" note)."""
    text = output.read_text(errors="replace") if output.exists() else ""
    return [match.group("grade") for match in GRADED_RULE.finditer(text)]


# How many of the rules a run warned of the matrix names.
SHOWN_WARNED_RULES = 5


def guessed_warnings(path: Path) -> dict:
    """How many answers broke only guessed rules in a run, and which rules (first few)."""
    if not path.exists():
        return {"warnings": 0, "warned_rules": []}
    items = json.loads(path.read_text()).get("warnings", [])
    rules = dict.fromkeys(
        f"{item['operation']} {item['status']}: {rule}"
        for item in items
        for rule, _ in item["rules"]
    )
    return {"warnings": len(items), "warned_rules": list(rules)[:SHOWN_WARNED_RULES]}


CLI_FAILURE_HEADER = re.compile(r"^_+ (?P<operation>[A-Z]+ \S+) _+$")


def run_cli(run: Planned, work: Path, max_examples: int, phases: str, contract: Path) -> dict:
    env = base_env(work)
    env["SCHEMATHESIS_HOOKS"] = "nexx_conformance.schemathesis_hooks"
    # Strict, as the suite on the reference server: every rule fails, guessed or not.
    env["NEXX_GUESSED_RULES"] = "fail"
    smtp, sms = free_port(), free_port()  # nobody listens: the CLI reads no mail
    with Server(run, env, smtp, sms, work / "server.log") as server:
        command = [
            str(BIN / "schemathesis"),
            "run",
            str(contract),
            "--url",
            server.base_url,
            "--seed",
            "42",
            "--max-examples",
            str(max_examples),
            "--phases",
            phases,
            "--max-failures",
            "1",
            "--no-color",
        ]
        code, wall, _, _ = streamed(command, env, work / "output.txt", None)
    operation, check = cli_failure(work / "output.txt")
    # --max-failures 1 stops the CLI at its first failure: its wall time is the time to it.
    return verdict(run, code, wall, wall if code == 1 else None, operation, check)


def cli_failure(output: Path) -> tuple[str | None, str | None]:
    operation, titles = None, []
    for line in output.read_text(errors="replace").splitlines():
        header = CLI_FAILURE_HEADER.match(line.strip())
        if header and operation is None:
            operation = header.group("operation")
        elif operation and line.strip().startswith("- ") and len(titles) < 3:
            titles.append(line.strip()[2:])
        elif operation and titles and not line.strip():
            break
    return operation, "; ".join(titles) or None


def stop_reason(path: Path) -> str:
    """Why pytest stopped before the first test: the plugin's `nexx: ...` line."""
    lines = [
        line.strip() for line in path.read_text(errors="replace").splitlines() if "nexx:" in line
    ]
    return (
        lines[-1].split("nexx:", 1)[1].strip()[:300] if lines else "stopped before the first test"
    )


def verdict(
    run: Planned, code: int, wall: float, first: float | None, test: str | None, check: str | None
) -> dict:
    failed = code in (1, 4)
    if code not in (0, 1, 4):
        outcome = "error"
    elif run.role == "fault":
        outcome = "killed" if failed else "survived"
    elif run.role == "benign":
        outcome = "false-alarm" if failed else "passed"
    else:
        outcome = "failed" if failed else "passed"
    return {
        "outcome": outcome,
        "exit": code,
        "exit_meaning": PYTEST_EXIT.get(code, str(code)),
        "seconds": round(first if first is not None else wall, 1) if failed else None,
        "wall_seconds": round(wall, 1),
        "test": test if failed else None,
        "check": check if failed else None,
    }


def execute(run: Planned, runner: str, args: argparse.Namespace, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"kill-{run.name}-") as tmp:
        work = Path(tmp)
        try:
            if runner == "cli":
                result = run_cli(
                    run, work, args.cli_max_examples, args.cli_phases, args.cli_contract
                )
            else:
                result = run_suite(run, work, strict=runner == "suite")
                if runner == "suite-default" and result["outcome"] == "survived":
                    # Not killed, but seen: the rules it broke are guesses, warned of.
                    result["outcome"] = "warned" if result["warnings"] else "survived"
            # The strict suite and the CLI (strict too) refusing what only breaks our guesses
            # is what the strict gate is for: no false alarm, if it names guessed rules only.
            if (
                runner != "suite-default"
                and run.breaks_guesses
                and result["outcome"] == "false-alarm"
            ):
                grades = graded_rules(work / "output.txt")
                if grades and set(grades) == {"guessed"}:
                    result["outcome"] = "guesses-refused"
        except Exception as exc:  # noqa: BLE001 - one broken run must not lose the others' results
            result = {
                "outcome": "error",
                "exit": None,
                "seconds": None,
                "test": None,
                "check": str(exc)[:300],
            }
        if keep is not None:
            target = keep / run.name
            target.mkdir(parents=True, exist_ok=True)
            for name in ("output.txt", "server.log"):
                if (work / name).exists():
                    (target / name).write_text((work / name).read_text(errors="replace"))
    return result


def merged(
    path: Path, runner: str, runs: list[Planned], results: dict[str, dict], column: dict
) -> dict:
    """The matrix on disk with this runner's column replaced for the runs just made."""
    matrix = json.loads(path.read_text()) if path.exists() else {}
    order = [run.name for run in plan(None)]
    # An entry whose fault or variant left the catalogue goes with it.
    by_name = {run["name"]: run for run in matrix.get("runs", []) if run["name"] in order}
    for run in runs:
        entry = by_name.setdefault(run.name, {})
        entry.update(name=run.name, kind=run.kind, description=run.description, killer=run.killer)
        entry[runner] = results[run.name]
    matrix["runs"] = sorted(
        by_name.values(), key=lambda r: order.index(r["name"]) if r["name"] in order else 999
    )
    matrix.setdefault("columns", {})[runner] = column
    matrix["generated"] = datetime.now(UTC).isoformat(timespec="seconds")
    matrix["summary"] = {name: summary(matrix, name) for name in matrix["columns"]}
    return matrix


RUNNERS = ("suite", "suite-default", "cli")
SUITE_RUNNERS = ("suite", "suite-default")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runner",
        choices=RUNNERS,
        action="append",
        help="a column to make: suite (strict), suite-default (the URL target's defaults), "
        "cli; repeatable (default: both suite columns)",
    )
    parser.add_argument("--only", help="comma-separated names (clean, variants, faults) to run")
    parser.add_argument(
        "--jobs", type=int, default=2, help="runs at once, each with its own server (default 2)"
    )
    parser.add_argument("--cli-max-examples", type=int, default=CLI_MAX_EXAMPLES)
    parser.add_argument(
        "--cli-phases", default=CLI_PHASES, help=f"schemathesis phases (default {CLI_PHASES})"
    )
    parser.add_argument(
        "--cli-contract",
        type=Path,
        default=CONTRACT,
        help="the contract file the CLI loads (default: the multi-file source, as the README's "
        f"CLI command; {contract().bundle_path.relative_to(ROOT)} loads 0.3 s sooner)",
    )
    parser.add_argument("--report-dir", type=Path, default=ROOT / "reports")
    parser.add_argument(
        "--keep-output", action="store_true", help="keep each run's output in REPORT_DIR/kill-runs/"
    )
    args = parser.parse_args()
    runners = args.runner or list(SUITE_RUNNERS)
    runs = plan(set(args.only.split(",")) if args.only else None)
    args.report_dir.mkdir(parents=True, exist_ok=True)
    return max(column_of(runner, runs, args) for runner in runners)


SETTINGS = {
    "suite": "pytest -x -v --guessed-rules=fail against a URL target with its own sinks",
    "suite-default": "pytest -x -v against a URL target with its own sinks and its defaults "
    "(a failure of guessed rules only is a warning)",
}
COMMANDS = {"suite": "uv run tox -e faults", "suite-default": "uv run tox -e faults"}


def column_of(runner: str, runs: list[Planned], args: argparse.Namespace) -> int:
    """Run every planned server for one column; write the matrix; 1 if the column fails."""
    keep = args.report_dir / "kill-runs" / runner if args.keep_output else None
    print(f"kill-matrix: {len(runs)} runs of the {runner}, {args.jobs} at once", flush=True)
    results: dict[str, dict] = {}
    started = time.monotonic()
    lock = threading.Lock()

    def one(run: Planned) -> None:
        result = execute(run, runner, args, keep)
        with lock:
            results[run.name] = result
            where = " ".join(part for part in (result.get("test"), result.get("check")) if part)
            timing = f" in {result['seconds']} s" if result.get("seconds") is not None else ""
            warned = (
                f" ({result['warnings']} guessed-rule warnings)" if result.get("warnings") else ""
            )
            print(
                f"[{len(results)}/{len(runs)}, {len(runs) - len(results)} left] {run.kind} {run.name}: "
                f"{result['outcome']}{timing}{warned}" + (f" - {where}" if where else ""),
                flush=True,
            )

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(one, runs))
    wall = time.monotonic() - started
    settings = SETTINGS.get(runner) or (
        f"schemathesis run {args.cli_contract.resolve().relative_to(ROOT)} --seed 42 "
        f"--max-examples {args.cli_max_examples} --phases {args.cli_phases} --max-failures 1, "
        "hooks nexx_conformance.schemathesis_hooks, every phase and check of schemathesis.toml"
    )
    column = {
        "command": COMMANDS.get(runner, "uv run tox -e faults-cli"),
        "settings": settings,
        "wall_seconds": round(wall, 1),
        "jobs": args.jobs,
        "runs": len(runs),
    }
    path = args.report_dir / "kill-matrix.json"
    matrix = merged(path, runner, runs, results, column)
    path.write_text(json.dumps(matrix, indent=2) + "\n")
    (args.report_dir / "kill-matrix.html").write_text(render_page(matrix))

    # Every column fails on a false alarm, a failing clean run or an error; the strict suite
    # also on a surviving fault (the default column shows what a staging run would miss).
    bad = [
        run.name
        for run in runs
        if results[run.name]["outcome"] in ("false-alarm", "failed", "error")
        or (runner == "suite" and results[run.name]["outcome"] == "survived")
    ]
    print(f"kill-matrix: {runner} done in {wall / 60:.1f} min; {path} and kill-matrix.html written")
    s = summary(
        {
            "runs": [
                {**r, runner: results[r["name"]]} for r in matrix["runs"] if r["name"] in results
            ]
        },
        runner,
    )
    print(
        f"kill-matrix: killed {s['killed']}/{s['faults']}, warned of {s['warned']}, "
        f"false alarms {len(s['false_alarms'])}/{s['variants']}, clean {s['clean']}, "
        f"median time to first failure {s['median_seconds_to_first_failure']} s"
    )
    if bad:
        print(f"kill-matrix: FAILED: {', '.join(bad)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
