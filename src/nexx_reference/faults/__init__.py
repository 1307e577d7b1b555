"""Faults and benign variants the reference server can be switched into, by name.

They exist to measure the suite (docs/faults.md, scripts/kill_matrix.py): a fault is a
realistic defect a staging system might have, a variant differs from the reference only
where the contract leaves freedom. `nexx-reference --fault NAME` / `--variant NAME`
switch them on; nothing else does, so a clean server (and the suite's in-process
target, which never passes any) behaves exactly as before.

Each entry (`Entry`) works one of two ways:
- a *rewrite*: a function that changes the HTTP exchange on its way out (`Exchange`:
  status, headers, the JSON envelope, latency), applied by `FaultMiddleware`;
- a *switch*: no code here; the domain rule asks at the one place it lives,
  `if faults.active("authorize-token-reusable"): ...`.

The active names belong to one app (Settings.faults) and are set per request by the
middleware in a context variable, so two servers in one process never share them.
"""

from __future__ import annotations

from .catalogue import FAULTS
from .entry import CONFORMANCE, KINDS, Entry, flow
from .middleware import FaultMiddleware
from .switches import current
from .variants import VARIANTS

__all__ = [
    "CATALOGUE",
    "CONFORMANCE",
    "KINDS",
    "VARIANT_CATALOGUE",
    "Entry",
    "FaultMiddleware",
    "active",
    "flow",
    "lookup",
]

CATALOGUE: dict[str, Entry] = {fault.name: fault for fault in FAULTS}
VARIANT_CATALOGUE: dict[str, Entry] = {variant.name: variant for variant in VARIANTS}


def active(name: str) -> bool:
    """True when the switch `name` is on for the request being handled."""
    if name not in CATALOGUE and name not in VARIANT_CATALOGUE:
        # A misspelt switch would be a fault that can never be switched on.
        raise KeyError(f"no fault or variant named {name!r}")
    return name in current()


def lookup(names: tuple[str, ...] | frozenset[str]) -> tuple[Entry, ...]:
    """The entries of `names` (faults and variants), or KeyError naming the unknown one."""
    found = []
    for name in names:
        entry = CATALOGUE.get(name) or VARIANT_CATALOGUE.get(name)
        if entry is None:
            raise KeyError(name)
        found.append(entry)
    return tuple(found)
