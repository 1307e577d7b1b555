import httpx
import pytest
import respx
import schemathesis

from nexx_conformance.config import ConfigError
from nexx_conformance.schemathesis_auth import NexxCaseAuth, from_environment
from nexx_conformance.signing import request_token

BASE = "http://api.test/v3.1"
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


def test_invalid_domain_of_a_negative_case_is_kept():
    case = case_for("/{domainid}/user/profile", "GET", domainid="-x")
    NexxCaseAuth(4711, "s3cret").sign(case, "cid-1")
    assert case.path_parameters["domainid"] == "-x"


def test_session_kind_and_cache_key_follow_the_operation():
    auth = NexxCaseAuth(4711, "s")
    profile = SCHEMA["/{domainid}/user/profile"]["GET"]
    logout = SCHEMA["/{domainid}/session/logout"]["POST"]
    assert auth.cache_key(profile) == "user"
    assert auth.cache_key(logout) == "anonymous:logout"


@respx.mock
def test_user_session_registers_and_logs_in_on_autoauthorize_domain():
    respx.post(f"{BASE}/4712/session/init").mock(return_value=httpx.Response(
        201, json={"metadata": {"status": 201}, "result": {"general": {"cid": "c9"}}}))
    register = respx.post(f"{BASE}/4712/user/register").mock(return_value=httpx.Response(
        201, json={"metadata": {"status": 201}, "result": {}}))
    login = respx.post(f"{BASE}/4712/session/login").mock(return_value=httpx.Response(
        200, json={"metadata": {"status": 200}, "result": {}}))
    auth = from_environment({"NEXX_DOMAIN_SECRET": "s", "NEXX_DOMAIN_ID_AUTOAUTHORIZE": "4712"})
    assert auth.open_session(BASE, "user") == "c9"
    assert register.called and login.called
    assert login.calls.last.request.headers["X-Request-Token"] == request_token("login", 4712, "s")


def test_environment_without_secret_is_a_clear_error():
    with pytest.raises(ConfigError, match="NEXX_DOMAIN_SECRET"):
        from_environment({})


@pytest.mark.parametrize("location", ["header", "path"])
def test_negative_component_is_not_repaired(location):
    from hypothesis import find, settings
    from schemathesis.generation import GenerationMode

    from nexx_conformance.schemathesis_auth import negative_components

    operation = SCHEMA["/{domainid}/user/profile"]["GET"]
    strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    case = find(strategy, lambda case: negative_components(case) == {location},
                settings=settings(database=None, max_examples=500))
    before_domain = case.path_parameters["domainid"]
    before_headers = dict(case.headers or {})
    NexxCaseAuth(4711, "s3cret").sign(case, "cid-1")
    if location == "header":
        assert case.headers == before_headers and case.path_parameters["domainid"] == 4711
    else:
        assert case.path_parameters["domainid"] == before_domain
        assert case.headers["X-Request-Token"] == request_token("profile", 4711, "s3cret")
