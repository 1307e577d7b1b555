"""Cassettes in a run: vcrpy gets our matchers, a test fails when its cassette refused a
request or kept one unplayed (nexx_conformance.recording.replay_audit), a failed test whose
cassette did is told that the cassette is probably stale, and each test's tally goes into
the run summary. How a target records or replays is the target's (choose_recording)."""

from __future__ import annotations

import contextlib

import pytest

from nexx_conformance.patches import install_vcr_speed
from nexx_conformance.pytest_plugin.engine import run_of
from nexx_conformance.pytest_plugin.summary import summary_of
from nexx_conformance.recording.matchers import MATCHERS, lookup_key
from nexx_conformance.recording.replay_audit import (
    FAILED,
    PASSED,
    SKIPPED,
    CassetteWatch,
    unmatched_message,
)

# How the test ended so far: failed or skipped in its setup, else as its call did.
OUTCOME_KEY = pytest.StashKey[str]()
# The test failed on a request its cassette refused, and was told so (unmatched_message).
EXPLAINED_KEY = pytest.StashKey[bool]()


def run_secrets(config: pytest.Config) -> list[str]:
    settings = run_of(config).target.config
    return [settings.domain_secret or "", settings.eternal_cid or ""]


def scrubber_of(item: pytest.Item):
    """How the test's cassette stores a request (its filters, the scrubber among them), once
    the cassette is set up (the cassette_audit fixture keeps it)."""
    watch = getattr(item, "funcargs", {}).get("cassette_audit")
    return getattr(watch, "scrub", None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    with explained_missing_cassette(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    with explained_missing_cassette(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item):
    with explained_missing_cassette(item):
        return (yield)


@contextlib.contextmanager
def explained_missing_cassette(item: pytest.Item):
    config = item.config
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
        message = unmatched_message(
            error, run_secrets(config), scrub=scrubber_of(item), nodeid=item.nodeid
        )
        item.stash[EXPLAINED_KEY] = True
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
    if report.when == "call" or (report.when == "setup" and not report.passed):
        # An expected failure (xfail) is a failure the replay may have caused as well.
        failed = report.failed or hasattr(report, "wasxfail")
        item.stash[OUTCOME_KEY] = FAILED if failed else SKIPPED if report.skipped else PASSED
    return report


@pytest.fixture(autouse=True)
def cassette_audit(request: pytest.FixtureRequest, vcr):
    """Counts what the test's cassette refused and kept unplayed, whatever the outcome;
    fails a passed test for either, and tells a failed one its cassette is probably stale."""
    # Set up right after `vcr` and so torn down right before it: the requests of fixtures
    # the test asked for (e.g. a logout at their teardown) are played by then.
    if vcr is None:
        yield None
        return
    # The cassette's own filters show a request as it stores it (its numbered session):
    # pytest-recording hands vcrpy a deep copy of vcr_config, and with it of the scrubber.
    watch = CassetteWatch(
        vcr, run_secrets(request.config), scrub=vcr.filter_request, nodeid=request.node.nodeid
    )
    yield watch
    summary_of(request.config).add_cassettes(watch.tally())
    # A test whose setup failed after this fixture (a fixture's request refused) has no
    # outcome noted yet: it failed.
    outcome = request.node.stash.get(OUTCOME_KEY, FAILED)
    if outcome == FAILED and request.node.stash.get(EXPLAINED_KEY, False):
        return  # its failure is the refused request, which said the cassette is stale
    problem = watch.problem(outcome)
    if problem:
        pytest.fail(problem, pytrace=False)


def pytest_recording_configure(config: pytest.Config, vcr) -> None:
    for name, matcher in MATCHERS.items():
        vcr.register_matcher(name, matcher)
    # An indexed cassette lookup and no failed imports per request (patches.install_vcr_speed).
    install_vcr_speed(lookup_key)
