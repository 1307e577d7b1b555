"""The order a run takes: quick pass, then the other flow tests, then the deep generation."""

from nexx_conformance.plugin import quick_pass_first


class Item:
    def __init__(self, name: str, *markers: str) -> None:
        self.name = name
        self.markers = markers

    def get_closest_marker(self, name: str):
        return name if name in self.markers else None


def test_quick_pass_then_flows_then_deep_generation_each_in_its_own_order():
    items = [Item("deep operation 1"), Item("operation examples 1", "quick"), Item("stateful"),
             Item("flow edge case", "flow"), Item("deep operation 2"), Item("flow main path", "flow", "quick"),
             Item("operation examples 2", "quick"), Item("another flow edge case", "flow")]
    quick_pass_first(items)
    assert [item.name for item in items] == [
        "operation examples 1", "flow main path", "operation examples 2",
        "flow edge case", "another flow edge case",
        "deep operation 1", "stateful", "deep operation 2"]
