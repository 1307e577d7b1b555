"""Routing: each module here maps operationIds of the contract to their handlers.

A module declares `HANDLERS = {"operationId": handler, ...}`; `collect_handlers` finds
every module of this package, so adding an area is adding a module, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..context import Handler


def collect_handlers() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    owners: dict[str, str] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for operation_id, handler in getattr(module, "HANDLERS", {}).items():
            if operation_id in handlers:
                raise RuntimeError(
                    f"operation '{operation_id}' is handled twice: "
                    f"in routes.{owners[operation_id]} and routes.{module_info.name}"
                )
            handlers[operation_id] = handler
            owners[operation_id] = module_info.name
    return handlers
