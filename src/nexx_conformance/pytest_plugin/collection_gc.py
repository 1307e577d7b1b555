"""Python's cyclic garbage collector paused while pytest starts and collects the tests.

Start-up imports the libraries and collection builds what the whole run keeps (the
contract's two schemas, 263 tests, their hypothesis tests and fixture closures); almost
none of it is garbage. The collector still walked all of it: between the plugin's load
and the first test it spent 145 ms, three full passes that found 5-70 objects each among
it, a quarter of that time (benchmarks/README.md, "Fail fast"). So in a run of the suite's
engine it is off from the moment the engine switches on until the collection is done, and what is alive is
frozen (`gc.freeze()`): the permanent generation, which no later pass walks, also not
the `gc.collect()` hypothesis makes once as it seeds its random generator. Then the
collector runs again for what the tests make: 24 ms before the first test now. Objects
still free by reference counting as before; only cycles among the frozen ones wait until
`pytest_unconfigure` gives them back (`gc.unfreeze()`), which matters where one process
runs pytest many times (pytester).
"""

from __future__ import annotations

import gc

import pytest


class Pause:
    """Holds the collector off if it was on, with what is alive so far frozen; gives it
    back once (freezing what is alive then, if asked), and what was frozen when asked."""

    def __init__(self) -> None:
        self.held = False
        self.froze = False

    def hold(self) -> None:
        if not self.held and gc.isenabled():
            gc.disable()
            # Also out of reach of explicit collections: hypothesis calls gc.collect() once
            # as it seeds its first test's random generator (33 ms over the libraries).
            gc.freeze()
            self.held = self.froze = True

    def release(self, freeze: bool = False) -> None:
        if self.held:
            self.held = False
            if freeze:
                gc.freeze()
            gc.enable()

    def unfreeze(self) -> None:
        if self.froze:
            self.froze = False
            gc.unfreeze()


PAUSE = Pause()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # From the moment the engine switches on (this plugin is one of its parts: a run that is
    # not the suite's keeps its collector), before the contract and the tests load; again
    # for each later run of a process that runs pytest more than once.
    PAUSE.hold()


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session):
    # Around the whole collection, so also where it does not happen: an xdist controller
    # collects nothing (its workers do) and runs no test.
    try:
        return (yield)
    finally:
        # What collection built is kept for the whole run: out of every later pass.
        PAUSE.release(freeze=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    # Also when the run stopped before its collection ended (a refused preflight).
    PAUSE.release()
    PAUSE.unfreeze()
