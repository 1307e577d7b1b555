"""Routing: the server handles exactly the contract's operations, each in one routes module
(the app routes a handler only where the contract has its operation, and logs the rest)."""

from __future__ import annotations

from nexx_reference.contract import load_operations
from nexx_reference.routes import collect_handlers


def test_every_operation_of_the_contract_has_a_handler_and_every_handler_an_operation():
    documented = {operation.operation_id for operation in load_operations()}
    handled = set(collect_handlers())
    assert sorted(documented - handled) == [], "operations of the contract no route handles"
    assert sorted(handled - documented) == [], "handlers of operations the contract lacks"
