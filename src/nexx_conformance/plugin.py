"""pytest plugin: the nexx conformance suite engine (options, target lifecycle, fixtures)."""

from __future__ import annotations

import contextlib

import pytest

from nexx_conformance import constants as c
from nexx_conformance.config import ConfigError, resolve
from nexx_conformance.lifecycle import start_run, stop_run
from nexx_conformance.matchers import MATCHERS
from nexx_conformance.state import STATE_KEY, SuiteState, new_run_id, state_of

pytest_plugins = [
    "nexx_conformance.fixtures.configuration",
    "nexx_conformance.fixtures.sessions",
    "nexx_conformance.fixtures.channels",
    "nexx_conformance.fixtures.users",
    "nexx_conformance.fixtures.authenticators",
    "nexx_conformance.fixtures.cassettes",
    "nexx_conformance.fixtures.story",
]

OPTIONS = ("target", "domain_id", "domain_secret", "eternal_cid", "mailbox", "sms_inbox")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nexx", "nexx conformance suite")
    add = group.addoption
    add("--target", dest="nexx_target", metavar="TARGET",
        help=f"{' | '.join(c.TARGET_KEYWORDS)} | a base URL such as https://staging.example.com/v3.1 "
             f"(default {c.TARGET_REFERENCE}; env {c.ENV['target']})")
    add("--domain-id", dest="nexx_domain_id", metavar="ID",
        help=f"the domain under test (default {c.DEFAULT_DOMAIN_ID}; env {c.ENV['domain_id']})")
    add("--domain-secret", dest="nexx_domain_secret", metavar="SECRET",
        help=f"the domain secret (reference: random per run; env {c.ENV['domain_secret']})")
    add("--eternal-cid", dest="nexx_eternal_cid", metavar="CID",
        help=f"the eternal (backend) session id (reference: generated; env {c.ENV['eternal_cid']})")
    add("--mailbox", dest="nexx_mailbox", metavar="URL",
        help=f"where mails arrive: {' | '.join(s + '://HOST:PORT' for s in c.MAILBOX_SCHEMES)} "
             f"(reference: an SMTP sink on a free port; env {c.ENV['mailbox']})")
    add("--sms-inbox", dest="nexx_sms_inbox", metavar="URL",
        help=f"where SMS arrive: webhook://HOST:PORT receives POST /sms "
             f"(reference: on a free port; env {c.ENV['sms_inbox']})")
    add("--allow-destructive", dest="nexx_allow_destructive", nargs="?", const="yes",
        choices=c.TRUE_WORDS + c.FALSE_WORDS, metavar="yes|no",
        help=f"run tests marked destructive (default: yes on reference/replay, no on URLs; "
             f"env {c.ENV['allow_destructive']})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "destructive: changes shared state on a live target")
    config.addinivalue_line("markers", "eternal: needs the eternal (backend) session")
    try:
        # Priority per option: command line > environment variable > default (config.resolve).
        settings = resolve(lambda name: config.getoption(f"nexx_{name}"))
    except ConfigError as error:
        raise pytest.UsageError(str(error)) from None
    choose_recording(config, settings)
    worker = getattr(config, "workerinput", {}).get("workerid")
    config.stash[STATE_KEY] = SuiteState(settings, new_run_id(settings, worker))


def choose_recording(config: pytest.Config, settings) -> None:
    """Replay = cassettes only, network blocked; live = no cassettes unless --record-mode."""
    record_mode = config.getoption("record_mode", None)
    if settings.is_replay:
        if record_mode not in (None, "none"):
            raise pytest.UsageError(
                f"--target replay plays cassettes back and cannot record (--record-mode={record_mode}); "
                "record against --target reference or a URL.")
        config.option.record_mode = "none"
        config.option.block_network = True
    elif record_mode is None:
        config.option.disable_recording = True


def is_xdist_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", None))


def pytest_sessionstart(session: pytest.Session) -> None:
    if is_xdist_controller(session.config):
        # The controller runs no tests: it refuses what workers cannot share and checks a
        # URL target once, so a wrong secret gives one message, not one per worker.
        start_or_exit(session.config, controller=True)


def pytest_collection_finish(session: pytest.Session) -> None:
    # Started after collection so that tests needing no target (the selftests) start nothing;
    # still before the first test, so bad configuration stops the run at once.
    if not is_xdist_controller(session.config) and any(
        "target" in getattr(item, "fixturenames", ()) for item in session.items
    ):
        start_or_exit(session.config, controller=False)


def start_or_exit(config: pytest.Config, *, controller: bool) -> None:
    state = state_of(config)
    try:
        start_run(state, controller=controller)
    except Exception as error:  # noqa: BLE001 - any start failure becomes one clear message
        stop_run(state)
        pytest.exit(f"nexx: cannot start the run: {error}", returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    # trylast: session fixtures (the user cleanup) are torn down first, while the target runs.
    stop_run(state_of(session.config))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    with explained_missing_cassette():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    with explained_missing_cassette():
        return (yield)


@contextlib.contextmanager
def explained_missing_cassette():
    from vcr.errors import CannotOverwriteExistingCassetteException

    try:
        yield
    except CannotOverwriteExistingCassetteException as error:
        # In replay an unrecorded request is a stale or missing cassette, not an API fault.
        pytest.fail(
            "nexx: this request is not in the test's cassette - record it again with "
            f"--record-mode=rewrite against --target reference (or a URL).\n{error}",
            pytrace=False)


def pytest_recording_configure(config: pytest.Config, vcr) -> None:
    for name, matcher in MATCHERS.items():
        vcr.register_matcher(name, matcher)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = state_of(config).config
    for item in items:
        if item.get_closest_marker("destructive") and not settings.allow_destructive:
            item.add_marker(pytest.mark.skip(reason=(
                f"destructive on {settings.target}: pass --allow-destructive or set "
                f"{c.ENV['allow_destructive']}=1 to run it")))
        if item.get_closest_marker("eternal") and not settings.eternal_cid:
            item.add_marker(pytest.mark.skip(reason=(
                f"needs the eternal session: pass --eternal-cid or set {c.ENV['eternal_cid']}")))


def pytest_report_header(config: pytest.Config) -> str:
    state = state_of(config)
    return f"nexx: {state.config!r}, run id {state.run_id}"
