"""The run: the target it points at and its run id, started before the first test and
stopped after the last one (and after the session's user cleanup)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import pytest

from nexx_conformance.config import ConfigError, Generation
from nexx_conformance.contract import ContractMissing, contract, use
from nexx_conformance.pytest_plugin.engine import RUN_KEY, run_of
from nexx_conformance.pytest_plugin.options import target_options
from nexx_conformance.targets import configured_target
from nexx_conformance.targets.base import Target
from nexx_conformance.users import count_left


@dataclass
class Run:
    """What one pytest process holds for the whole run."""

    target: Target
    run_id: str
    # What the target still stores once the run's users are removed (None: cannot tell).
    users_left: dict | None = None


# The generation of each run configured in this process, the innermost last (a pytester run
# inside a run): the conformance tests read theirs as they are imported, where no fixture
# reaches (tests/conformance/contract.py).
_GENERATIONS: list[Generation] = []


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def is_xdist_controller(config: pytest.Config) -> bool:
    return not is_worker(config) and bool(getattr(config.option, "numprocesses", None))


def configure(config: pytest.Config) -> None:
    """The run's target from the options (not started yet), its recording mode and run id."""
    try:
        # The contract first: the target's server serves it (--contract, NEXX_CONTRACT).
        use(config.getoption("nexx_contract", None))
        target = configured_target(target_options(config))
        target.choose_recording(config)
    except (ConfigError, ContractMissing) as error:
        raise pytest.UsageError(str(error)) from None
    worker = getattr(config, "workerinput", {}).get("workerid")
    config.stash[RUN_KEY] = Run(target, target.new_run_id(worker))
    _GENERATIONS.append(target.config.generation)


def unconfigure(config: pytest.Config) -> None:
    if RUN_KEY in config.stash and _GENERATIONS:
        _GENERATIONS.pop()


def generation() -> Generation:
    """The seed and examples per operation of the run being configured or run in this
    process (--seed, --max-examples); the recorded run's outside any."""
    return _GENERATIONS[-1] if _GENERATIONS else Generation()


def generation_lines(config: pytest.Config, exitstatus: int) -> list[str]:
    """What a run with another generation than the recorded one ends with: its seed, and
    after a failure the one command that reproduces it."""
    chosen = run_of(config).target.config.generation
    if chosen.is_recorded:
        return []
    seeded = f"seed {chosen.seed}, {chosen.max_examples} examples per operation"
    lines = [f"nexx generation: {seeded} (not the recorded run: no cassette written or compared)"]
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        lines.append(f"nexx: reproduce with: {reproduce_command(config, chosen)}")
    return lines


# The options a reproducing command states itself (each takes a value).
GENERATION_OPTIONS = ("--seed", "--max-examples")


def reproduce_command(config: pytest.Config, chosen: Generation) -> str:
    """This run's command line with its seed and examples stated, whatever the environment."""
    args: list[str] = []
    skip = False
    for arg in config.invocation_params.args:
        if skip:
            skip = False
        elif arg in GENERATION_OPTIONS:
            skip = True
        elif not arg.startswith(tuple(f"{option}=" for option in GENERATION_OPTIONS)):
            args.append(arg)
    return shlex.join(["uv", "run", "pytest", *args, *chosen.options()])


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    # The suite tests the contract's bundle: a source edited since the bundle was built
    # would otherwise be tested as it was. Refused as the nexx tests are collected, not in
    # every run of the environment: the contract's own tests report it
    # (tests/contract/test_bundle.py, scripts/bundle-contract --check).
    stale = contract().stale()
    if stale is not None:
        raise pytest.UsageError(f"nexx: {stale}")


def pytest_sessionstart(session: pytest.Session) -> None:
    if is_xdist_controller(session.config):
        # The controller runs no tests: it refuses what workers cannot share and checks a
        # URL target once, so a wrong secret gives one message, not one per worker.
        start_or_exit(session.config, lambda target: target.check_before_workers())


def pytest_itemcollected(item: pytest.Item) -> None:
    # Started when the first test that needs it is collected, not after the whole
    # collection: a target that cannot be reached or answers the preflight wrongly stops
    # the run a second sooner. Tests needing no target (the selftests) start nothing.
    if needs_target(item) and not item.config.option.collectonly:
        start_once(item.config)


def pytest_collection_finish(session: pytest.Session) -> None:
    # Still before the first test, whichever way a test that needs the target was collected.
    if not session.config.option.collectonly and any(map(needs_target, session.items)):
        start_once(session.config)


def needs_target(item: pytest.Item) -> bool:
    return "target" in getattr(item, "fixturenames", ())


def start_once(config: pytest.Config) -> None:
    # An xdist controller runs no test: its workers start their own.
    if not is_xdist_controller(config) and not run_of(config).target.started:
        start_or_exit(config, lambda target: target.start())


def start_or_exit(config: pytest.Config, start) -> None:
    target = run_of(config).target
    try:
        start(target)
    except Exception as error:  # noqa: BLE001 - any start failure becomes one clear message
        target.stop()
        pytest.exit(f"nexx: cannot start the run: {error}", returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    # trylast: session fixtures (the user cleanup) are torn down first, while the target runs.
    run = run_of(session.config)
    if not run.target.stopped and run.users_left is None:
        # Counted after the cleanup, while the server still runs; only once: a second stop
        # finds the server gone.
        run.users_left = count_left(run.target)
    run.target.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = run_of(config)
    chosen = run.target.config.generation
    header = [f"nexx: {run.target.config!r}, run id {run.run_id}"]
    if not chosen.is_recorded:
        header.append(f"nexx generation: {' '.join(chosen.options())} (not the recorded run)")
    return header
