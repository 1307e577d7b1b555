"""Wall time of the whole suite on this machine: replayed from cassettes, and live on the reference.

    uv run python benchmarks/suite_wall_time.py [--repeat 1] [--runs replay,reference]
                                               [-- extra pytest arguments]

Runs `uv run pytest -n 2 --target replay` and `uv run pytest -n 2` (the bundled reference
server), as tox.ini runs them, one after the other, each --repeat times, and prints a table
of wall times (`-- -n 0` measures one process). `--runs` picks among them and `scenarios`
(`uv run pytest -n 2 tests/scenarios`, the hand-written flows alone, against the bundled
reference server) and `selftest` (`uv run tox -e selftest`). Beside the wall time, the CPU
time (user + sys of the run and every process it started), which a loaded machine changes
less. The runs' reports go to a temporary directory that is removed afterwards, so the script writes nothing.
Exit status: 0 when every run ran (whatever its tests found), 2 on bad options or when
`uv` cannot be started.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYCACHE = str(ROOT / ".tox" / ".pycache")  # tox.ini's {work_dir}/.pycache
# As tox.ini runs them: two workers.
RUNS = {
    "replay": ["uv", "run", "pytest", "-n", "2", "--target", "replay"],
    "reference": ["uv", "run", "pytest", "-n", "2"],
    "scenarios": ["uv", "run", "pytest", "-n", "2", "tests/scenarios"],
    # The unit tests of the engine and of the server, as tox runs them (ruff first).
    "selftest": ["uv", "run", "tox", "-e", "selftest", "--"],
}
DEFAULT_RUNS = "replay,reference"
# pytest's last line, with or without the "=====" banner (-q drops it).
SUMMARY = re.compile(
    r"^=*\s*(\S.*?(?:passed|failed|errors?|skipped|no tests ran).*?) in [\d.]+s", re.MULTILINE
)


@dataclass
class Timing:
    name: str
    seconds: list[float]
    cpu_seconds: list[float]
    exit_codes: list[int]
    outcome: str


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per target (default 1)")
    parser.add_argument(
        "--runs",
        default=DEFAULT_RUNS,
        help=f"comma-separated, of {', '.join(RUNS)} (default {DEFAULT_RUNS})",
    )
    args = parser.parse_args(own)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.runs = [name.strip() for name in args.runs.split(",") if name.strip()]
    unknown = [name for name in args.runs if name not in RUNS]
    if unknown or not args.runs:
        parser.error(f"--runs takes names of {', '.join(RUNS)}; got {', '.join(unknown) or 'none'}")
    return args, extra


def children_cpu_seconds() -> float:
    # Every finished descendant counts, not just the child: pytester's and tox's subprocesses.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_run(command: list[str], report_dir: str) -> tuple[float, float, int, str]:
    cpu_before = children_cpu_seconds()
    started = time.perf_counter()
    # The environment, not "--report-dir DIR": pytest reads path-like arguments when it
    # looks for the rootdir, before plugin options are known, and DIR would become it.
    # Bytecode cached outside the tree, as tox.ini and the kill matrix run it (a machine
    # that sets PYTHONDONTWRITEBYTECODE would otherwise compile every module in every run).
    environment = {
        **os.environ,
        "NEXX_REPORT_DIR": report_dir,
        "PYTHONDONTWRITEBYTECODE": "",
        "PYTHONPYCACHEPREFIX": os.environ.get("PYTHONPYCACHEPREFIX") or PYCACHE,
    }
    finished = subprocess.run(
        [*command, "-q"], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before
    found = SUMMARY.findall(finished.stdout)
    if found:
        return elapsed, cpu, finished.returncode, found[-1]
    # No summary: pytest stopped early (bad option, collection error); show why.
    last = (finished.stderr.strip() or finished.stdout.strip() or "no output").splitlines()[-1]
    return elapsed, cpu, finished.returncode, f"(stopped early) {last[:100]}"


def measure(repeat: int, extra: list[str], runs: list[str]) -> list[Timing]:
    timings = []
    with tempfile.TemporaryDirectory(prefix="nexx-bench-") as report_dir:
        for name in runs:
            command = RUNS[name]
            timing = Timing(name, [], [], [], "")
            for _ in range(repeat):
                seconds, cpu, code, outcome = time_run([*command, *extra], report_dir)
                timing.seconds.append(seconds)
                timing.cpu_seconds.append(cpu)
                timing.exit_codes.append(code)
                timing.outcome = outcome
            timings.append(timing)
    return timings


def print_table(timings: list[Timing]) -> None:
    print(
        f"{'target':<10} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>6}  exit  last outcome"
    )
    for t in timings:
        codes = ",".join(str(code) for code in sorted(set(t.exit_codes)))
        print(
            f"{t.name:<10} {len(t.seconds):>4} {statistics.median(t.seconds):>9.1f} "
            f"{min(t.seconds):>7.1f} {max(t.seconds):>7.1f} {statistics.median(t.cpu_seconds):>6.1f}  "
            f"{codes:<4}  {t.outcome}"
        )


def main(argv: list[str] | None = None) -> int:
    args, extra = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        timings = measure(args.repeat, extra, args.runs)
    except FileNotFoundError as error:
        print(f"cannot start {error.filename!r}: is uv installed and on PATH?", file=sys.stderr)
        return 2
    print_table(timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
