"""Python's cyclic garbage collector paused while pytest starts and collects the tests.

Start-up imports the libraries and collection builds what the whole run keeps (the
contract's two schemas, 263 tests, their hypothesis tests and fixture closures); almost
none of it is garbage. The collector still walks all of it on every full pass: between
the plugin's load and the first test, five passes found 0-238 objects each and took
155 ms, a quarter of that time (benchmarks/README.md, "Fail fast"). So it is off from
the moment pytest loads this plugin until the collection is done. Then `gc.freeze()`
moves what is alive into the permanent generation, which later passes skip, and the
collector runs again for what the tests make. Objects still free by reference counting
as before; only cycles among the frozen ones wait until `pytest_unconfigure` puts them
back (`gc.unfreeze()`), which matters where one process runs pytest many times (pytester).
"""

from __future__ import annotations

import gc

import pytest

FROZEN_KEY = pytest.StashKey[bool]()


class Pause:
    """Holds the collector off if it was on; gives it back once."""

    def __init__(self) -> None:
        self.held = False

    def hold(self) -> None:
        if not self.held and gc.isenabled():
            gc.disable()
            self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            gc.enable()


PAUSE = Pause()
# From the moment pytest imports the plugin (its entry point), before the other plugins
# and the contract load.
PAUSE.hold()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Again for each later run of a process that runs pytest more than once.
    PAUSE.hold()


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session):
    # Around the whole collection, so also where it does not happen: an xdist controller
    # collects nothing (its workers do) and runs no test.
    try:
        return (yield)
    finally:
        if PAUSE.held and session.items:
            gc.freeze()
            session.config.stash[FROZEN_KEY] = True
        PAUSE.release()


def pytest_unconfigure(config: pytest.Config) -> None:
    # Also when the run stopped before its collection ended (a refused preflight).
    PAUSE.release()
    if config.stash.get(FROZEN_KEY, False):
        config.stash[FROZEN_KEY] = False
        gc.unfreeze()
