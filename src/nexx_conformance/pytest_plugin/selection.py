"""Which tests run, in which order: the markers, --flow, the quick pass first, then the
other flow tests, then the deep generation, and the skip the target's configuration asks
for (no eternal session). The `destructive` marker has a module of its own (destructive)."""

from __future__ import annotations

import pytest

from nexx_conformance import constants as c
from nexx_conformance.pytest_plugin.options import selected_flows
from nexx_conformance.pytest_plugin.run import run_of


def configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "quick: part of the quick pass (each operation's examples, "
        "each flow's main path), run before the deep generation",
    )
    config.addinivalue_line(
        "markers",
        f"flow(id): the User endpoint flow a scenario covers (one of {', '.join(c.FLOWS)})",
    )
    config.addinivalue_line("markers", "eternal: needs the eternal (backend) session")
    config.addinivalue_line(
        "markers", "conformance: a property-based test of the contract's operations"
    )


def flow_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("flow")
    if marker is None:
        return None
    if len(marker.args) != 1 or marker.args[0] not in c.FLOWS:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.flow takes one flow id, one of "
            f"{', '.join(c.FLOWS)}; got {marker.args!r}"
        )
    return marker.args[0]


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
