"""What a speed patch of nexx_conformance.patches gains: a command timed with it and without.

    uv run python benchmarks/patch_gain.py defer_explicit_cases -- pytest --collect-only -q tests/conformance
    uv run python benchmarks/patch_gain.py --import pyrate_limiter --after schemathesis

The first form runs the command (from the repository root) `--repeat` times with the patch and
as often without it (NEXX_PATCHES_OFF=<patch>, which patches.guarded honours), alternating, and
prints the median wall time of each and their difference. The second times, in a fresh
interpreter each time, the import of a module after another one is imported: what a
patch that skips an import saves (rate_limit_only_when_set skipped pyrate_limiter's).
A patch whose gain is under a tenth of a second is not kept (benchmarks/README.md, "Patches").
Exit status 0, or 2 on bad options.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYCACHE = str(ROOT / ".tox" / ".pycache")


def timed(command: list[str], environment: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, check=False)
    return time.perf_counter() - start


def environment(off: str | None) -> dict[str, str]:
    # As tox and the kill matrix run: bytecode cached outside the tree, no NEXX_* of a setup.
    found = {k: v for k, v in os.environ.items() if not k.startswith("NEXX_")}
    found.update(PYTHONDONTWRITEBYTECODE="", PYTHONPYCACHEPREFIX=PYCACHE)
    if off:
        found["NEXX_PATCHES_OFF"] = off
    return found


def patch_gain(patch: str, command: list[str], repeat: int) -> None:
    command = [sys.executable, "-m", *command] if command[0] == "pytest" else command
    timed(command, environment(None))  # warm the bytecode cache
    on, off = [], []
    for _ in range(repeat):
        on.append(timed(command, environment(None)))
        off.append(timed(command, environment(patch)))
    with_patch, without = statistics.median(on), statistics.median(off)
    print(f"{' '.join(command[2:] if command[0] == sys.executable else command)}")
    print(f"  with {patch}: median {with_patch:.3f} s ({', '.join(f'{t:.2f}' for t in on)})")
    print(f"  without it: median {without:.3f} s ({', '.join(f'{t:.2f}' for t in off)})")
    print(f"  gain: {without - with_patch:+.3f} s")


def import_cost(module: str, after: str, repeat: int) -> None:
    code = (
        f"import time, {after}\n"
        f"start = time.perf_counter()\nimport {module}\nprint(time.perf_counter() - start)"
    )
    costs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=environment(None),
            capture_output=True,
            text=True,
            check=False,
        )
        costs.append(float(done.stdout.strip()))
    print(
        f"import {module} after {after}: median {statistics.median(costs):.3f} s "
        f"({', '.join(f'{t:.3f}' for t in costs)})"
    )


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("patch", nargs="?", help="the patch to switch off (patches.guarded name)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--import", dest="module", help="time the import of this module instead")
    parser.add_argument("--after", default="schemathesis", help="imported first (with --import)")
    args = parser.parse_args(own)
    if args.module:
        import_cost(args.module, args.after, args.repeat)
        return 0
    if not args.patch or not command:
        parser.error("name a patch and the command after --")
    patch_gain(args.patch, command, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
