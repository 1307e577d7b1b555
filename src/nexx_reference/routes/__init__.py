"""Routing: each module here maps operationIds of the contract to their handlers.

A handler is marked `@handler` where it is defined and named after its operationId. A
module whose handlers are made by a factory (one per media list) or cannot carry their
operation's name declares them in `HANDLERS = {"operationId": handler, ...}` instead.
`collect_handlers` finds every module of this package, so adding an area is adding a
module, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from ..context import Handler

# The attribute @handler gives a function: the operationId it handles.
OPERATION_ID = "nexx_operation_id"


def handler(function: Handler) -> Handler:
    """Marks a routes module's function as the handler of the operation it is named after."""
    setattr(function, OPERATION_ID, function.__name__)
    return function


def handlers_of(module: ModuleType) -> dict[str, Handler]:
    """A routes module's handlers: the functions it defines marked @handler, and HANDLERS."""
    marked = {
        getattr(value, OPERATION_ID): value
        for value in vars(module).values()
        if hasattr(value, OPERATION_ID) and value.__module__ == module.__name__
    }
    return {**marked, **getattr(module, "HANDLERS", {})}


def collect_handlers() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    owners: dict[str, str] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for operation_id, function in handlers_of(module).items():
            if operation_id in handlers:
                raise RuntimeError(
                    f"operation '{operation_id}' is handled twice: "
                    f"in routes.{owners[operation_id]} and routes.{module_info.name}"
                )
            handlers[operation_id] = function
            owners[operation_id] = module_info.name
    return handlers
