"""pytest plugin: the nexx conformance suite engine (options, target lifecycle, fixtures)."""

from __future__ import annotations

import contextlib
import os

import pytest

from nexx_conformance import constants as c
from nexx_conformance.config import ConfigError, resolve
from nexx_conformance.lifecycle import start_run, stop_run
from nexx_conformance.patches import install_vcr_speed, without_source_constants
from nexx_conformance.recording.matchers import MATCHERS, lookup_key
from nexx_conformance.recording.replay_audit import (
    CassetteWatch,
    Tally,
    summary_line,
    unmatched_message,
)
from nexx_conformance.state import STATE_KEY, SuiteState, new_run_id, state_of

pytest_plugins = [
    "nexx_conformance.fixtures.configuration",
    "nexx_conformance.fixtures.sessions",
    "nexx_conformance.fixtures.channels",
    "nexx_conformance.fixtures.users",
    "nexx_conformance.fixtures.authenticators",
    "nexx_conformance.fixtures.cassettes",
    "nexx_conformance.fixtures.story",
    "nexx_conformance.fixtures.steps",
    "nexx_conformance.findings_plugin",
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
    # Two plain flags, not one with an optional value: `--allow-destructive tests/x` must not
    # read the path as the flag's value.
    add("--allow-destructive", dest="nexx_allow_destructive", action="store_const", const="yes",
        help=f"run tests marked destructive (default: yes on reference/replay, no on URLs; "
             f"env {c.ENV['allow_destructive']})")
    add("--no-allow-destructive", dest="nexx_allow_destructive", action="store_const", const="no",
        help="skip tests marked destructive, whatever the target")
    add("--allow-side-effects", dest="nexx_allow_side_effects", action="store_const", const="yes",
        help=f"call operations that mail or text (x-nexx-side-effects: register, requestpass, "
             f"requestkeycode, ...) with generated data (default: yes on reference/replay, no on "
             f"URLs; env {c.ENV['allow_side_effects']})")
    add("--no-allow-side-effects", dest="nexx_allow_side_effects", action="store_const", const="no",
        help="skip the generated cases of operations that mail or text, whatever the target")
    add("--guessed-rules", dest="nexx_guessed_rules", choices=("warn", "fail"),
        help=f"a response that breaks only constraints the contract guessed (x-nexx-guessed): "
             f"warn (listed apart from failures) or fail (default: warn on a URL target, fail on "
             f"reference/replay; env {c.ENV['guessed_rules']})")
    add("--deviations", dest="nexx_deviations", metavar="FILE",
        help=f"known deviations (YAML: operation, check, reason, until): a failure an entry "
             f"matches is an expected failure; an expired entry fails the run; docs/staging.md "
             f"(env {c.ENV['deviations']})")
    add("--flow", dest="nexx_flow", action="append", metavar="ID", choices=c.FLOWS,
        help=f"run only the scenarios of this flow (repeatable; env {c.ENV_FLOW}, comma-separated): "
             f"{', '.join(c.FLOWS)}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "destructive: changes shared state on a live target")
    config.addinivalue_line("markers", "quick: part of the quick pass (each operation's examples, "
                            "each flow's main path), run before the deep generation")
    config.addinivalue_line("markers", "flow(id): the User endpoint flow a scenario covers "
                            f"(one of {', '.join(c.FLOWS)})")
    config.addinivalue_line("markers", "eternal: needs the eternal (backend) session")
    try:
        # Priority per option: command line > environment variable > default (config.resolve).
        settings = resolve(lambda name: config.getoption(f"nexx_{name}"))
    except ConfigError as error:
        raise pytest.UsageError(str(error)) from None
    choose_recording(config, settings)
    without_source_constants()
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
    if hasattr(session.config, "workeroutput") and TALLY_KEY in session.config.stash:
        session.config.workeroutput[WORKER_OUTPUT] = tally_of(session.config).as_dict()


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


def run_secrets(config: pytest.Config) -> list[str]:
    settings = state_of(config).config
    return [settings.domain_secret or "", settings.eternal_cid or ""]


# The replay audit (replay_audit.py): per test, then summed for the terminal summary.
TALLY_KEY = pytest.StashKey[Tally]()
COMPLETED_KEY = pytest.StashKey[bool]()
WORKER_OUTPUT = "nexx_cassette_tally"


def tally_of(config: pytest.Config) -> Tally:
    return config.stash.setdefault(TALLY_KEY, Tally())


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
    tally_of(request.config).add(watch.tally(test_completed=completed))
    problem = watch.problem(test_completed=completed)
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    # xdist controller: each worker sends its tally when it finishes.
    counts = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
    if counts:
        tally_of(node.config).add(Tally.from_dict(counts))


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    tally = config.stash.get(TALLY_KEY, None)
    replaying = state_of(config).config.is_replay
    if tally is None and not replaying:
        return
    recording = config.getoption("record_mode", None) not in (None, "none")
    terminalreporter.write_line(summary_line(tally or Tally(), recording=recording))


def pytest_recording_configure(config: pytest.Config, vcr) -> None:
    for name, matcher in MATCHERS.items():
        vcr.register_matcher(name, matcher)
    # An indexed cassette lookup and no failed imports per request (patches.install_vcr_speed).
    install_vcr_speed(lookup_key)


def selected_flows(config: pytest.Config) -> set[str]:
    """The flows asked for: --flow (repeatable) > NEXX_FLOW (comma-separated) > all."""
    given = config.getoption("nexx_flow", None)
    if given:
        return set(given)
    words = {word.strip() for word in os.environ.get(c.ENV_FLOW, "").split(",") if word.strip()}
    unknown = sorted(words - set(c.FLOWS))
    if unknown:
        raise pytest.UsageError(f"{c.ENV_FLOW} names unknown flows {', '.join(unknown)}; "
                                f"known: {', '.join(c.FLOWS)}")
    return words


def flow_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("flow")
    if marker is None:
        return None
    if len(marker.args) != 1 or marker.args[0] not in c.FLOWS:
        raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.flow takes one flow id, one of "
                                f"{', '.join(c.FLOWS)}; got {marker.args!r}")
    return marker.args[0]


def choose_flows(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = selected_flows(config)
    kept, dropped = [], []
    for item in items:
        flow = flow_of(item)
        if flow is not None:
            # Shown in the JUnit XML (<property name="flow">) and in the HTML report.
            item.user_properties.append((c.FLOW_PROPERTY, flow))
        (kept if not wanted or flow in wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def quick_pass_first(items: list[pytest.Item]) -> None:
    # Fail fast: with -x a broken target is found by the quick pass within seconds instead
    # of after a minute of deep generation. A stable sort keeps each pass in its own order.
    items.sort(key=lambda item: item.get_closest_marker("quick") is None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    choose_flows(config, items)
    quick_pass_first(items)
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
