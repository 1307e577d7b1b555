"""Whether a run uses the suite's engine, and switching it on.

The plugin is installed with the package, so pytest loads it for every run in the
environment; most of those runs are not ours (a project's own unit tests, the contract's
own tests, the suite's selftests). For them the plugin only registers its options,
markers and fixtures. The engine switches on for a run that

- names a target (`--target`, NEXX_TARGET), or
- collects nexx tests: one of its paths (its arguments, else the ini's `testpaths`) is, holds
  or lies in a directory of the ini option `nexx_tests` (this repository: tests/conformance
  and tests/scenarios; a team's own repository names its own, docs/writing-scenarios.md).

Only then: the garbage collector's pause while collecting, the library patches, the
observers of every request sent (coverage, drift), the target, the cassettes, the run
order, the reports, and the refusal of a stale contract bundle. An xdist worker takes the
controller's decision. A test that asks for the target (`target`, `client`, `steps`, ...)
in a run without the engine fails with one line saying how to switch it on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nexx_conformance.config import chosen

# Where the plugin keeps the run (pytest_plugin.run.Run) and why the engine is on.
RUN_KEY = pytest.StashKey[Any]()
REASON_KEY = pytest.StashKey[str]()
# The controller's decision, handed to xdist workers.
WORKER_INPUT = "nexx_engine"
INI_TESTS = "nexx_tests"

# The plugins of the engine, in the order pytest registers them.
ENGINE_PLUGINS = (
    "collection_gc",
    "run",
    "selection",
    "destructive",
    "replay",
    "deferred_cases",
    "summary",
    "findings",
    "html_report",
    "fixtures.cassettes",
)

OFF = (
    "nexx: this run does not use the suite's engine, so there is no target: name one "
    "(--target reference, or NEXX_TARGET), or list the test directory in the ini option "
    f"{INI_TESTS} (pyproject.toml [tool.pytest.ini_options]; docs/writing-scenarios.md)"
)


def reason(config: pytest.Config) -> str | None:
    """Why this run uses the engine, or None when it does not."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return workerinput.get(WORKER_INPUT)
    target = chosen(config.getoption("nexx_target", None), "target")
    if target:
        return f"the run names a target ({target})"
    declared = [Path(path).resolve() for path in config.getini(INI_TESTS)]
    start = Path(config.invocation_params.dir)
    for arg in config.args:
        path = (start / str(arg).split("::", 1)[0]).resolve()
        for directory in declared:
            if path == directory or directory in path.parents or path in directory.parents:
                return f"it collects nexx tests ({directory.name}/, {INI_TESTS})"
    return None


def is_on(config: pytest.Config) -> bool:
    return REASON_KEY in config.stash


def run_of(config: pytest.Config) -> Any:
    """The run (pytest_plugin.run.Run); a test that needs it in a run without the engine
    fails with the reason and what to do."""
    if RUN_KEY not in config.stash:
        pytest.fail(OFF, pytrace=False)
    return config.stash[RUN_KEY]


def switch_on(config: pytest.Config, why: str) -> None:
    """Registers the engine's plugins; pytest then calls their pytest_configure at once."""
    import importlib

    config.stash[REASON_KEY] = why
    for name in ENGINE_PLUGINS:
        module = importlib.import_module(f"nexx_conformance.pytest_plugin.{name}")
        config.pluginmanager.register(module, f"nexx-{name}")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    # xdist controller: each worker runs with the controller's decision.
    if is_on(node.config):
        node.workerinput[WORKER_INPUT] = node.config.stash[REASON_KEY]
