"""Building blocks of the rewrites: find the parts of an answer a fault or variant changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .exchange import Exchange

# Keys every `User` object of the contract has (schemas.yaml#/User).
USER_KEYS = ("ID", "isanonymous", "twofactor")
PAGED = "paging"


def objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `node`, outermost first."""
    if isinstance(node, dict):
        yield node
        for value in list(node.values()):
            yield from objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from objects(item)


def users(exchange: Exchange) -> Iterator[dict[str, Any]]:
    """The contract's `User` objects in the answer (profile, login, register, session views)."""
    return (obj for obj in objects(exchange.result) if all(key in obj for key in USER_KEYS))


def on_users(change: Callable[[dict[str, Any]], None]) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        for user in list(users(exchange)):
            change(user)

    return rewrite


def on_status(old: int, new: int, *, envelope_too: bool = True) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        if exchange.status == old:
            exchange.set_status(new, envelope_too=envelope_too)

    return rewrite


def on_envelope(change: Callable[[Exchange], None]) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        if exchange.envelope is not None:
            change(exchange)

    return rewrite


def on_errors(change: Callable[[Exchange], None]) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        if exchange.is_error and exchange.envelope is not None:
            change(exchange)

    return rewrite


def on_paged_lists(change: Callable[[Exchange], None]) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        if exchange.envelope is not None and PAGED in exchange.envelope:
            change(exchange)

    return rewrite


def on_operation(operation: str, change: Callable[[Exchange], None]) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        if exchange.operation == operation and exchange.envelope is not None:
            change(exchange)

    return rewrite


def rename(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def change(obj: dict[str, Any]) -> None:
        if old in obj:
            obj[new] = obj.pop(old)

    return change


def drop(key: str) -> Callable[[dict[str, Any]], None]:
    def change(obj: dict[str, Any]) -> None:
        obj.pop(key, None)

    return change


def all_of(*rewrites: Callable[[Exchange], None]) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        for each in rewrites:
            each(exchange)

    return rewrite
