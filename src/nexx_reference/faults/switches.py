"""The names active for the request being handled (set by FaultMiddleware, read by `faults.active`)."""

from __future__ import annotations

import contextvars

_active: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "nexx_faults", default=frozenset()
)


def current() -> frozenset[str]:
    return _active.get()


def using(names: frozenset[str]) -> contextvars.Token:
    return _active.set(names)


def reset(token: contextvars.Token) -> None:
    _active.reset(token)
