import pytest
import schemathesis

from nexx_conformance.config import ConfigError
from nexx_conformance.schemathesis_auth import NexxCaseAuth, from_environment
from nexx_conformance.signing import request_token
from nexx_conformance.users import User

from .conftest import FAKE_BASE, nexx_answer

DOMAIN = {"name": "domainid", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def operation(session):
    return {"parameters": [DOMAIN], "x-nexx-session": session, "responses": {"200": {"description": "ok"}}}


SCHEMA = schemathesis.openapi.from_dict({
    "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
    "components": {"securitySchemes": {
        "RequestCID": {"type": "apiKey", "in": "header", "name": "X-Request-CID"},
        "RequestToken": {"type": "apiKey", "in": "header", "name": "X-Request-Token"}}},
    "security": [{"RequestCID": [], "RequestToken": []}],
    "paths": {
        "/{domainid}/user/authorize/{token}": {"post": {**operation("anonymous"), "parameters": [
            DOMAIN, {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}]}},
        "/{domainid}/user/profile": {"get": operation("user")},
        "/{domainid}/session/logout": {"post": operation("anonymous")},
    },
})


def case_for(path, method, **path_parameters):
    return SCHEMA[path][method].Case(path_parameters=path_parameters)


def test_case_is_signed_for_its_own_operation_and_domain():
    case = case_for("/{domainid}/user/authorize/{token}", "POST", domainid=99, token="abc")
    NexxCaseAuth(4711, "s3cret").sign(case, "cid-1")
    assert case.path_parameters["domainid"] == 4711
    assert case.headers["X-Request-Token"] == request_token("authorize", 4711, "s3cret")
    assert case.headers["X-Request-CID"] == "cid-1"


def test_session_kind_and_cache_key_follow_the_operation():
    auth = NexxCaseAuth(4711, "s")
    profile = SCHEMA["/{domainid}/user/profile"]["GET"]
    logout = SCHEMA["/{domainid}/session/logout"]["POST"]
    assert auth.cache_key(profile) == auth.cache_key(profile) == "user"
    # Every logout case gets a session of its own: a shared one would be logged out.
    first, second = auth.cache_key(logout), auth.cache_key(logout)
    assert first.startswith("anonymous:logout:") and first != second


AUTO = {"NEXX_DOMAIN_SECRET": "s", "NEXX_DOMAIN_ID_AUTOAUTHORIZE": "4712"}


def serve_sessions(fake_nexx, domain: int = 4712, login_status: int = 200):
    """init answers with cid c9; register and login answer; returns (register, login)."""
    fake_nexx.post(f"/{domain}/session/init").mock(return_value=nexx_answer(201, {"general": {"cid": "c9"}}))
    register = fake_nexx.post(f"/{domain}/user/register").mock(return_value=nexx_answer(201, {"ID": 5}))
    hint = "wrong username or password" if login_status == 403 else None
    login = fake_nexx.post(f"/{domain}/session/login").mock(return_value=nexx_answer(login_status, {}, hint))
    return register, login


def test_user_session_registers_and_logs_in_on_autoauthorize_domain(fake_nexx):
    register, login = serve_sessions(fake_nexx)
    auth = from_environment(AUTO)
    assert auth.open_session(FAKE_BASE, "user") == "c9"
    assert register.called and login.called
    assert login.calls.last.request.headers["X-Request-Token"] == request_token("login", 4712, "s")


def test_unregister_runs_as_a_throwaway_user_each_time(fake_nexx):
    register, login = serve_sessions(fake_nexx)
    auth = from_environment(AUTO)
    auth.open_session(FAKE_BASE, "user", "profile")
    auth.open_session(FAKE_BASE, "user", "unregister")
    auth.open_session(FAKE_BASE, "user", "unregister")
    names = [user.username for user in auth.registered.users]
    assert len(set(names)) == 3 and register.call_count == 3  # the shared user, two throwaways
    # Each remembers the session it logged in with: the way back in for the cleanup.
    assert [user.cid for user in auth.registered.users] == ["c9"] * 3 and login.call_count == 3
    # and is known by its id, which a generated updatedata cannot change.
    assert [user.user_id for user in auth.registered.users] == [5] * 3


def registered_alice(fake_nexx, *, profile: int, login: int, unique: int):
    """A registered user alice whose own session answers `profile`, whose login answers
    `login` and whom verifyaccountdetailsunique calls `unique`; returns (auth, unregister)."""
    serve_sessions(fake_nexx, login_status=login)
    fake_nexx.get("/4712/user/profile").mock(return_value=nexx_answer(
        profile, {"ID": 7, "email": "alice@example.test"} if profile == 200 else None))
    fake_nexx.post("/4712/user/verifyaccountdetailsunique/alice@example.test").mock(
        return_value=nexx_answer(200, {"field": "email", "unique": unique}))
    unregister = fake_nexx.delete("/4712/user/unregister").mock(return_value=nexx_answer(200, {}))
    auth = NexxCaseAuth(4712, "s", register_user=True)
    auth.client(FAKE_BASE)
    auth.registered.track(User("alice", "alice@example.test", "pw", 4712, cid="old"))
    return auth, unregister


def test_a_user_is_removed_through_the_session_it_is_still_logged_in_with(fake_nexx):
    auth, unregister = registered_alice(fake_nexx, profile=200, login=403, unique=0)
    assert auth.remove_users() == [] and auth.registered.users == []
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
    auth = from_environment({"NEXX_DOMAIN_SECRET": "s", "NEXX_USERNAME": "alice", "NEXX_PASSWORD": "pw"})
    assert auth.open_session(FAKE_BASE, "user", "unregister") == "c9"
    assert not login.called
    auth.open_session(FAKE_BASE, "user", "profile")
    assert login.called and auth.registered.users == []


def test_environment_without_secret_is_a_clear_error():
    with pytest.raises(ConfigError, match="NEXX_DOMAIN_SECRET"):
        from_environment({})


@pytest.mark.parametrize("location", ["header", "path"])
def test_negative_component_is_not_repaired(location):
    from hypothesis import Phase, find, settings
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.generation import GenerationMode

    def negative_only_at(case) -> bool:
        return {place for place in ParameterLocation if case.meta.is_negative_at(place)} == {
            ParameterLocation(location)}

    operation = SCHEMA["/{domainid}/user/profile"]["GET"]
    strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    # The first such case will do: shrinking (and explaining) it took seconds and tests nothing.
    case = find(strategy, negative_only_at,
                settings=settings(database=None, max_examples=500, phases=[Phase.generate]))
    before_domain = case.path_parameters["domainid"]
    before_headers = dict(case.headers or {})
    NexxCaseAuth(4711, "s3cret").sign(case, "cid-1")
    if location == "header":
        assert case.headers == before_headers and case.path_parameters["domainid"] == 4711
    else:
        assert case.path_parameters["domainid"] == before_domain
        assert case.headers["X-Request-Token"] == request_token("profile", 4711, "s3cret")
