"""Cassettes in a run: vcrpy gets our matchers, a test fails when its cassette refused a
request or kept one unplayed (nexx_conformance.recording.replay_audit), and each test's tally goes
into the run summary. How a target records or replays is the target's (choose_recording)."""

from __future__ import annotations

import contextlib

import pytest

from nexx_conformance.patches import install_vcr_speed
from nexx_conformance.pytest_plugin.run import run_of
from nexx_conformance.pytest_plugin.summary import summary_of
from nexx_conformance.recording.matchers import MATCHERS, lookup_key
from nexx_conformance.recording.replay_audit import CassetteWatch, unmatched_message

COMPLETED_KEY = pytest.StashKey[bool]()


def run_secrets(config: pytest.Config) -> list[str]:
    settings = run_of(config).target.config
    return [settings.domain_secret or "", settings.eternal_cid or ""]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    with explained_missing_cassette(item.config):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    with explained_missing_cassette(item.config):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item):
    with explained_missing_cassette(item.config):
        return (yield)


@contextlib.contextmanager
def explained_missing_cassette(config: pytest.Config):
    if config.getoption("disable_recording", False):
        # No cassette in this run (a live target, Target.choose_recording): nothing to
        # explain, and vcrpy is not imported for it (40 ms before the first test).
        yield
        return
    from vcr.errors import CannotOverwriteExistingCassetteException

    message = None
    try:
        yield
    except CannotOverwriteExistingCassetteException as error:
        # In replay an unrecorded request is a stale or missing cassette, not an API fault.
        message = unmatched_message(error, run_secrets(config))
    if message:
        try:
            pytest.fail(message, pytrace=False)
        except pytest.fail.Exception as failure:
            # `from None`: vcrpy's dump stays out of the report: it is long and shows the
            # request unmasked (one-time tokens in paths).
            raise failure from None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[COMPLETED_KEY] = report.passed
    return report


@pytest.fixture(autouse=True)
def cassette_audit(request: pytest.FixtureRequest, vcr):
    """Fails a passed test whose cassette refused a request or kept one unplayed; counts both."""
    # Set up right after `vcr` and so torn down right before it: the requests of fixtures
    # the test asked for (e.g. a logout at their teardown) are played by then.
    if vcr is None:
        yield None
        return
    watch = CassetteWatch(vcr, run_secrets(request.config))
    yield watch
    completed = request.node.stash.get(COMPLETED_KEY, False)
    summary_of(request.config).add_cassettes(watch.tally(test_completed=completed))
    problem = watch.problem(test_completed=completed)
    if problem:
        pytest.fail(problem, pytrace=False)


def pytest_recording_configure(config: pytest.Config, vcr) -> None:
    for name, matcher in MATCHERS.items():
        vcr.register_matcher(name, matcher)
    # An indexed cassette lookup and no failed imports per request (patches.install_vcr_speed).
    install_vcr_speed(lookup_key)
