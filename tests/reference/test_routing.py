"""Routing: the server handles exactly the contract's operations, each in one routes module
(the app routes a handler only where the contract has its operation, and logs the rest)."""

from __future__ import annotations

import types

from nexx_reference.contract import load_operations
from nexx_reference.routes import account, collect_handlers, handler, handlers_of


def test_every_operation_of_the_contract_has_a_handler_and_every_handler_an_operation():
    documented = {operation.operation_id for operation in load_operations()}
    handled = set(collect_handlers())
    assert sorted(documented - handled) == [], "operations of the contract no route handles"
    assert sorted(handled - documented) == [], "handlers of operations the contract lacks"


def test_a_module_handles_what_it_marks_and_its_table_not_what_it_imports():
    module = types.ModuleType("nexx_reference.routes.example")

    @handler
    async def keepalive(call):
        raise NotImplementedError

    keepalive.__module__ = module.__name__

    async def made(call):
        raise NotImplementedError

    module.keepalive, module.profile, module.HANDLERS = keepalive, account.profile, {"login": made}
    assert handlers_of(module) == {"keepalive": keepalive, "login": made}
