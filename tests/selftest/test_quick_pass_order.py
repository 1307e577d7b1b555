"""The quick pass's order (tests/conformance/conftest.py): one operation of each session kind,
cheapest kind first, then the others, cheapest kind first, each kind in contract order;
nothing else moves."""

from __future__ import annotations

from conformance.conftest import EXAMPLES_FILE, cheapest_examples_first


class FakeItem:
    def __init__(self, nodeid: str, operation_label: str | None = None) -> None:
        self.nodeid = nodeid
        if operation_label is not None:
            self.operation_label = operation_label


def examples_of(label: str) -> FakeItem:
    return FakeItem(f"{EXAMPLES_FILE}test_operation_examples[{label}]", label)


def test_one_operation_of_each_kind_comes_first_and_other_tests_keep_their_places():
    items = [
        examples_of("POST /{domainid}/user/authorizedevice"),  # pending-login
        examples_of("GET /{domainid}/user/profile"),  # user
        FakeItem("tests/scenarios/test_x.py::test_main_path"),
        examples_of("PUT /{domainid}/user/updatedata"),  # user
        examples_of("GET /{domainid}/media/byquery/{query}"),  # anonymous
        examples_of("POST /{domainid}/user/register"),  # anonymous
        examples_of("POST /{domainid}/session/init"),  # none
        examples_of("POST /{domainid}/user/authorizelogin"),  # pending-login
    ]
    cheapest_examples_first(items)
    assert [getattr(item, "operation_label", item.nodeid) for item in items] == [
        "POST /{domainid}/session/init",
        "GET /{domainid}/media/byquery/{query}",
        "tests/scenarios/test_x.py::test_main_path",
        "GET /{domainid}/user/profile",
        "POST /{domainid}/user/authorizedevice",
        "POST /{domainid}/user/register",
        "PUT /{domainid}/user/updatedata",
        "POST /{domainid}/user/authorizelogin",
    ]
