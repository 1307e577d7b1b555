"""Which tests run, in which order: the markers, --flow, the quick pass first, then the
other flow tests, then the deep generation, and the skip the target's configuration asks
for (no eternal session). The `destructive` marker has a module of its own (destructive)."""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterator
from pathlib import Path

import pytest

from nexx_conformance import constants as c
from nexx_conformance.pytest_plugin.engine import run_of
from nexx_conformance.pytest_plugin.options import selected_flows

# Where a new flow's id goes, as every message about an unknown one says.
FLOWS_LIVE_IN = (
    "The flow ids are nexx_conformance.constants.FLOWS (src/nexx_conformance/constants.py): "
    'a new flow adds its id there (docs/writing-scenarios.md, "A new flow")'
)


def configure(config: pytest.Config) -> None:
    # A NEXX_FLOW naming an unknown flow stops the run before anything is collected.
    selected_flows(config)


def unknown_flow(where: str, args: tuple) -> str | None:
    """What is wrong with `@pytest.mark.flow(*args)` at `where`, or None."""
    if len(args) == 1 and args[0] in c.FLOWS:
        return None
    if len(args) == 1 and isinstance(args[0], str):
        return (
            f"{where}: @pytest.mark.flow({args[0]!r}) names an unknown flow; known: "
            f"{', '.join(c.FLOWS)}. {FLOWS_LIVE_IN}"
        )
    return (
        f"{where}: @pytest.mark.flow takes one flow id (a string), one of "
        f"{', '.join(c.FLOWS)}; got {args!r}. {FLOWS_LIVE_IN}"
    )


def flow_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("flow")
    if marker is None:
        return None
    problem = unknown_flow(item.nodeid, marker.args)
    if problem:
        raise pytest.UsageError(problem)
    return marker.args[0]


# -- flow ids checked before anything is collected ----------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    # Before the collection, so before the target starts (run.pytest_itemcollected starts
    # it with the first test that needs it, which may be a conformance test collected
    # before the scenarios): an unknown id written in a test module stops the run first.
    # Ids given otherwise than as literals are checked as their tests are collected.
    config = session.config
    patterns = config.getini("python_files")
    for path in test_modules(config.args, Path(config.invocation_params.dir), patterns):
        for line, args in flow_marks_in(path):
            problem = unknown_flow(f"{shown(path, config.rootpath)}:{line}", args)
            if problem:
                raise pytest.UsageError(problem)


def shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def test_modules(args: list[str], start: Path, patterns: list[str]) -> Iterator[Path]:
    """The test module files the run's arguments name or hold (node ids cut to their file)."""
    for arg in args:
        path = start / arg.split("::", 1)[0]
        if path.is_file() and path.suffix == ".py":
            yield path
        elif path.is_dir():
            for found in sorted(path.rglob("*.py")):
                if any(fnmatch.fnmatch(found.name, pattern) for pattern in patterns):
                    yield found


def flow_marks_in(path: Path) -> Iterator[tuple[int, tuple]]:
    """(line, literal arguments) of every `mark.flow(...)` a module's source writes."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, SyntaxError, ValueError):
        return  # pytest reports a module it cannot read or parse itself
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "flow"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "mark"
        ):
            try:
                yield node.lineno, tuple(ast.literal_eval(arg) for arg in node.args)
            except ValueError:
                continue  # not a literal: checked when its tests are collected


def choose_flows(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = selected_flows(config)
    kept, dropped = [], []
    for item in items:
        flow = flow_of(item)
        if flow is not None:
            # Shown in the JUnit XML (<property name="flow">) and in the HTML report.
            item.user_properties.append((c.FLOW_PROPERTY, flow))
        (kept if not wanted or flow in wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


QUICK, FLOWS, DEEP = 0, 1, 2


def run_order(item: pytest.Item) -> int:
    """The quick pass, then the rest of the hand-written flows, then the deep generation."""
    if item.get_closest_marker("quick"):
        return QUICK
    return FLOWS if item.get_closest_marker("flow") else DEEP


def quick_pass_first(items: list[pytest.Item]) -> None:
    # Fail fast: with -x a broken target is found by the quick pass within seconds instead
    # of after a minute of deep generation. The other flow tests come next: a few requests
    # each, the only tests that see many of the rules, where the deep pass takes half a
    # minute on a live target. A stable sort keeps each part in its own order.
    items.sort(key=run_order)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    choose_flows(config, items)
    quick_pass_first(items)
    settings = run_of(config).target.config
    for item in items:
        if item.get_closest_marker("eternal") and not settings.eternal_cid:
            item.add_marker(
                pytest.mark.skip(
                    reason=(
                        f"needs the eternal session: pass --eternal-cid or set {c.ENV['eternal_cid']}"
                    )
                )
            )
