"""The schemathesis adapters: the CLI's sessions from the environment, its auth provider
over a SessionBroker, and the pytest suite's provider for drawn cases."""

import pytest
from schemathesis.auths import AuthContext

from nexx_conformance.config import ConfigError
from nexx_conformance.schemathesis_auth import (
    CliAuth,
    CliSessions,
    DrawnCaseAuth,
    cache_key,
    from_environment,
    keeps_its_meaning,
    leaves_post_on_get_unjudged,
)
from nexx_conformance.signing import request_token
from nexx_conformance.users import User

from .conftest import FAKE_BASE, PATH_DOMAIN, PATH_TOKEN, nexx_answer, operation, signed_schema

SCHEMA = signed_schema(
    "t",
    {
        "/{domainid}/user/authorize/{token}": {
            "post": {
                **operation("authorize", "anonymous"),
                "parameters": [
                    PATH_DOMAIN,
                    PATH_TOKEN,
                ],
            }
        },
        "/{domainid}/user/profile": {"get": operation("profile", "user")},
        "/{domainid}/session/logout": {"post": operation("logout", "anonymous")},
    },
)


def case_for(path, method, **path_parameters):
    case = SCHEMA[path][method].Case(path_parameters=path_parameters)
    case.operation.schema.config.update(base_url=FAKE_BASE)
    return case


def context_of(case) -> AuthContext:
    return AuthContext(operation=case.operation, app=None)


def test_cli_case_is_signed_for_its_own_operation_and_domain(fake_nexx):
    fake_nexx.post("/4711/session/init").mock(
        return_value=nexx_answer(201, {"general": {"cid": "c9"}})
    )
    auth = CliAuth(CliSessions(4711, "s3cret"))
    case = case_for("/{domainid}/user/authorize/{token}", "POST", domainid=99, token="abc")
    cid = auth.get(case, context_of(case))
    auth.set(case, cid, context_of(case))
    assert case.path_parameters["domainid"] == 4711 and case.headers["X-Request-CID"] == "c9"
    assert case.headers["X-Request-Token"] == request_token("authorize", 4711, "s3cret")


def test_cli_caches_one_session_per_kind_and_one_per_logout_case():
    profile, logout = (
        case_for("/{domainid}/user/profile", "GET"),
        case_for("/{domainid}/session/logout", "POST"),
    )
    assert cache_key(profile, context_of(profile)) == "user"
    # Every logout case gets a session of its own: a shared one would be logged out.
    other_logout = case_for("/{domainid}/session/logout", "POST")
    first, second = (
        cache_key(logout, context_of(logout)),
        cache_key(other_logout, context_of(other_logout)),
    )
    assert first.startswith("anonymous:logout:") and first != second
    assert cache_key(logout, context_of(logout)) == first


AUTO = {"NEXX_DOMAIN_SECRET": "s", "NEXX_DOMAIN_ID_AUTOAUTHORIZE": "4712"}


def serve_sessions(fake_nexx, domain: int = 4712, login_status: int = 200):
    """init answers with cid c9; register and login answer; returns (register, login)."""
    fake_nexx.post(f"/{domain}/session/init").mock(
        return_value=nexx_answer(201, {"general": {"cid": "c9"}})
    )
    register = fake_nexx.post(f"/{domain}/user/register").mock(
        return_value=nexx_answer(201, {"ID": 5})
    )
    hint = "wrong username or password" if login_status == 403 else None
    login = fake_nexx.post(f"/{domain}/session/login").mock(
        return_value=nexx_answer(login_status, {}, hint)
    )
    return register, login


def cli_broker(environ):
    return from_environment(environ).broker(FAKE_BASE)


def test_user_session_registers_and_logs_in_on_autoauthorize_domain(fake_nexx):
    register, login = serve_sessions(fake_nexx)
    assert cli_broker(AUTO).open("user") == "c9"
    assert register.called and login.called
    assert login.calls.last.request.headers["X-Request-Token"] == request_token("login", 4712, "s")


def test_unregister_runs_as_a_throwaway_user_each_time(fake_nexx):
    register, login = serve_sessions(fake_nexx)
    broker = cli_broker(AUTO)
    broker.open("user", "profile")
    broker.open("user", "unregister")
    broker.open("user", "unregister")
    registered = broker.users.registry.users
    names = [user.username for user in registered]
    assert len(set(names)) == 3 and register.call_count == 3  # the shared user, two throwaways
    # Each remembers the session it logged in with: the way back in for the cleanup.
    assert [user.cid for user in registered] == ["c9"] * 3 and login.call_count == 3
    # and is known by its id, which a generated updatedata cannot change.
    assert [user.user_id for user in registered] == [5] * 3


def registered_alice(fake_nexx, *, profile: int, login: int, unique: int):
    """A registered user alice whose own session answers `profile`, whose login answers
    `login` and whom verifyaccountdetailsunique calls `unique`; returns (auth, unregister)."""
    serve_sessions(fake_nexx, login_status=login)
    fake_nexx.get("/4712/user/profile").mock(
        return_value=nexx_answer(
            profile, {"ID": 7, "email": "alice@example.test"} if profile == 200 else None
        )
    )
    fake_nexx.post("/4712/user/verifyaccountdetailsunique/alice@example.test").mock(
        return_value=nexx_answer(200, {"field": "email", "unique": unique})
    )
    unregister = fake_nexx.delete("/4712/user/unregister").mock(return_value=nexx_answer(200, {}))
    auth = CliAuth(CliSessions(4712, "s", register_users=True))
    auth.broker_for(FAKE_BASE).users.track(
        User("alice", "alice@example.test", "pw", 4712, cid="old")
    )
    return auth, unregister


def test_a_user_is_removed_through_the_session_it_is_still_logged_in_with(fake_nexx):
    auth, unregister = registered_alice(fake_nexx, profile=200, login=403, unique=0)
    assert auth.remove_users() == [] and auth.broker.users.registry.users == []
    assert unregister.calls.last.request.headers["X-Request-CID"] == "old"


def test_a_user_whose_session_is_gone_logs_in_again_to_be_removed(fake_nexx):
    auth, unregister = registered_alice(fake_nexx, profile=401, login=200, unique=0)
    assert auth.remove_users() == []
    assert unregister.calls.last.request.headers["X-Request-CID"] == "c9"


def test_a_user_its_case_unregistered_needs_nothing(fake_nexx):
    auth, unregister = registered_alice(fake_nexx, profile=401, login=403, unique=1)
    assert auth.remove_users() == [] and not unregister.called


def test_a_user_that_cannot_be_removed_is_named_with_the_reason(fake_nexx):
    auth, unregister = registered_alice(fake_nexx, profile=401, login=403, unique=0)
    [leftover] = auth.remove_users()
    assert leftover.startswith("alice (cannot log in") and "pw" not in leftover
    assert not unregister.called


def test_a_given_user_is_never_logged_in_for_unregister(fake_nexx):
    _, login = serve_sessions(fake_nexx, domain=4711)
    broker = cli_broker(
        {"NEXX_DOMAIN_SECRET": "s", "NEXX_USERNAME": "alice", "NEXX_PASSWORD": "pw"}
    )
    assert broker.open("user", "unregister") == "c9"
    assert not login.called
    broker.open("user", "profile")
    assert login.called and broker.users is None  # nobody registered, nobody to remove
    assert CliAuth(from_environment({"NEXX_DOMAIN_SECRET": "s"})).remove_users() == []


def test_environment_without_secret_is_a_clear_error():
    with pytest.raises(ConfigError, match="NEXX_DOMAIN_SECRET"):
        from_environment({})


def drawn_case(location: str | None, predicate=lambda case: True):
    """The first case the fuzzing phase draws for authorize/{token} that is negative at
    `location` only (positive with None) and meets `predicate`."""
    from hypothesis import Phase, find, settings
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.generation import GenerationMode

    wanted = {ParameterLocation(location)} if location else set()
    mode = GenerationMode.NEGATIVE if location else GenerationMode.POSITIVE
    strategy = SCHEMA["/{domainid}/user/authorize/{token}"]["POST"].as_strategy(
        generation_mode=mode
    )
    return find(
        strategy,
        lambda case: (
            predicate(case)
            and wanted == {place for place in ParameterLocation if case.meta.is_negative_at(place)}
        ),
        # Derandomized: the same draws every run (a random search for a rare value is flaky).
        settings=settings(
            database=None, derandomize=True, max_examples=2000, phases=[Phase.generate]
        ),
    )


def test_a_drawn_case_carries_explicit_auth_and_keeps_its_values():
    case = drawn_case(None)
    auth = DrawnCaseAuth()
    data = auth.get(case, context_of(case))
    assert data == "anonymous"
    before = (dict(case.path_parameters), dict(case.headers or {}))
    auth.set(case, data, context_of(case))
    # Signing is the test's: the provider sends nothing and changes no value.
    assert (dict(case.path_parameters), dict(case.headers or {})) == before


@pytest.mark.parametrize("phase", ["examples", "coverage"])
def test_a_case_fixed_at_collection_carries_no_explicit_auth(phase):
    from schemathesis.generation.meta import PhaseInfo, TestPhase

    case = drawn_case(None)
    case.meta.phase = PhaseInfo(name=TestPhase(phase), data=case.meta.phase.data)
    assert DrawnCaseAuth().get(case, context_of(case)) is None


def test_a_negative_path_value_with_percent_is_dropped():
    def has_percent(case) -> bool:
        return "%" in str(case.path_parameters.get("token"))

    assert not keeps_its_meaning(None, drawn_case("path", has_percent))
    assert keeps_its_meaning(None, drawn_case("path", lambda case: not has_percent(case)))
    assert keeps_its_meaning(None, drawn_case(None))


def method_probe(path: str, declared: str, sent: str):
    """A coverage case of `declared` at `path` sent with the undeclared method `sent`, as
    schemathesis' unspecified-method probe borrows an operation."""
    from hypothesis import Phase, find, settings
    from schemathesis.generation.meta import (
        CoveragePhaseData,
        CoverageScenario,
        PhaseInfo,
        TestPhase,
    )

    case = find(
        SCHEMA[path][declared].as_strategy(),
        lambda case: True,
        settings=settings(database=None, phases=[Phase.generate]),
    )
    scenario = CoverageScenario.UNSPECIFIED_HTTP_METHOD
    data = CoveragePhaseData(scenario, f"Unspecified HTTP method: {sent}", None, None, None)
    case.meta.phase = PhaseInfo(name=TestPhase.COVERAGE, data=data)
    case.method = sent
    return case


@pytest.mark.parametrize(
    ("path", "declared", "sent", "kept"),
    [
        pytest.param("/{domainid}/user/profile", "GET", "POST", False, id="post-on-get-dropped"),
        pytest.param("/{domainid}/user/profile", "GET", "PUT", True, id="put-on-get-probed"),
        pytest.param("/{domainid}/user/profile", "GET", "DELETE", True, id="delete-on-get-probed"),
        pytest.param("/{domainid}/session/logout", "POST", "GET", True, id="get-on-post-probed"),
    ],
)
def test_only_the_post_on_a_get_operation_is_left_unjudged(path, declared, sent, kept):
    assert leaves_post_on_get_unjudged(None, method_probe(path, declared, sent)) is kept


def test_cases_that_probe_no_method_are_kept():
    assert leaves_post_on_get_unjudged(None, drawn_case(None))
    assert leaves_post_on_get_unjudged(None, drawn_case("path"))
