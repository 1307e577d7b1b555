"""The session broker on a fake target: each session kind, signing, tracking, closing."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs

import httpx
import pytest
from hypothesis import Phase, find, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

from nexx_conformance.checks import identity_key
from nexx_conformance.sessions import SessionBroker, mark_as_signed, session_key, sign_case
from nexx_conformance.signing import request_token
from nexx_conformance.users import User, UserFactory, UserRegistry

from .conftest import DOMAIN, PATH_DOMAIN, PATH_TOKEN, SECRET, nexx_answer, operation, signed_schema

ETERNAL_CID = "eternal-cid-0001"
FORM = "application/x-www-form-urlencoded"


SCHEMA = signed_schema(
    "broker",
    {
        "/{domainid}/session/init": {"post": operation("init", "none")},
        "/{domainid}/session/keepalive": {"post": operation("keepalive", "anonymous")},
        "/{domainid}/session/logout": {"post": operation("logout", "user")},
        "/{domainid}/user/profile": {"get": operation("profile", "user")},
        "/{domainid}/user/unregister": {"delete": operation("unregister", "user")},
        "/{domainid}/user/authorizedevice": {"post": operation("authorizedevice", "pending-login")},
        "/{domainid}/media/catalogue": {"get": operation("catalogue", "eternal")},
        "/{domainid}/user/register": {
            "post": operation(
                "register",
                "anonymous",
                requestBody={"content": {FORM: {"schema": {"type": "object"}}}},
            )
        },
        "/{domainid}/user/authorize/{token}": {
            "post": operation(
                "authorize",
                "anonymous",
                parameters=[
                    PATH_DOMAIN,
                    PATH_TOKEN,
                ],
            )
        },
    },
)
INIT = SCHEMA["/{domainid}/session/init"]["POST"]
KEEPALIVE = SCHEMA["/{domainid}/session/keepalive"]["POST"]
LOGOUT = SCHEMA["/{domainid}/session/logout"]["POST"]
PROFILE = SCHEMA["/{domainid}/user/profile"]["GET"]
UNREGISTER = SCHEMA["/{domainid}/user/unregister"]["DELETE"]
HELD = SCHEMA["/{domainid}/user/authorizedevice"]["POST"]
CATALOGUE = SCHEMA["/{domainid}/media/catalogue"]["GET"]


class FakeApp:
    """An authenticator app enrolled from a URI: always the same code."""

    def __init__(self, uri: str) -> None:
        self.uri = uri

    def code(self) -> str:
        return "123456"


@pytest.fixture
def fake_target(fake_nexx, client):
    """The fake target: init hands out c1, c2, ...; register, login, the app enrolment and
    unregister answer. A user who enrolled an app is held (202) on any device but the
    client's own, the one it enrolled on."""
    cids = (f"c{n}" for n in itertools.count(1))
    devices: dict[str, str] = {}
    logged_in: dict[str, str] = {}
    with_app: set[str] = set()

    def form(request) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(request.content.decode()).items()}

    def init(request):
        cid = next(cids)
        devices[cid] = form(request).get("nxp_devh", "")
        return nexx_answer(201, {"general": {"cid": cid}})

    def login(request):
        cid, username = request.headers["X-Request-CID"], form(request)["username"]
        if username in with_app and devices[cid] != client.device:
            return nexx_answer(202, {"loginstate": "needs-device-code", "codetype": "app"})
        logged_in[cid] = username
        return nexx_answer(200, {})

    def finish(request):
        with_app.add(logged_in[request.headers["X-Request-CID"]])
        return nexx_answer(200, {})

    fake_nexx.post(f"/{DOMAIN}/session/init").mock(side_effect=init)
    fake_nexx.post(f"/{DOMAIN}/session/login").mock(side_effect=login)
    fake_nexx.post(f"/{DOMAIN}/user/register").mock(return_value=nexx_answer(201, {"ID": 5}))
    fake_nexx.post(f"/{DOMAIN}/user/prepareregisterauthenticator").mock(
        return_value=nexx_answer(200, {"uri": "otpauth://totp/x", "process": "p1"})
    )
    fake_nexx.post(f"/{DOMAIN}/user/finishregisterauthenticator").mock(side_effect=finish)
    fake_nexx.unregister = fake_nexx.delete(f"/{DOMAIN}/user/unregister").mock(
        return_value=nexx_answer(200, {})
    )
    return fake_nexx


@pytest.fixture
def users(client) -> UserFactory:
    """Users on an AutoAuthorize domain (no mail needed), named qa_t_<n>."""
    return UserFactory(client, UserRegistry(), None, "qa_t_", {DOMAIN})


def broker(client, users=None, **options) -> SessionBroker:
    return SessionBroker(client, SECRET, users, eternal_cid=ETERNAL_CID, **options)


def calls_to(fake_target, path: str) -> int:
    return sum(1 for call in fake_target.calls if call.request.url.path.endswith(path))


def test_init_takes_no_session(fake_target, client, users):
    assert broker(client, users).cid_for(INIT) is None
    assert calls_to(fake_target, "/session/init") == 0


def test_anonymous_operations_share_one_fresh_session(fake_target, client, users):
    sessions = broker(client, users)
    assert sessions.cid_for(KEEPALIVE) == sessions.cid_for(KEEPALIVE) == "c1"
    assert (
        calls_to(fake_target, "/session/init") == 1 and calls_to(fake_target, "/session/login") == 0
    )


def test_user_operations_run_as_a_user_of_the_broker(fake_target, client, users):
    sessions = broker(client, users)
    cid = sessions.cid_for(PROFILE)
    assert cid == "c1" and sessions.cid_for(PROFILE) == cid
    [user] = users.registry.users
    assert user.username == "qa_t_1" and user.cid == cid and user.user_id == 5
    # The checks learn whose data the session may see, and get an anonymous session to
    # probe the user operation with.
    assert sessions.facts.owner_identities(cid) == {
        identity_key(user.username),
        identity_key(user.email),
    }
    assert sessions.facts.anonymous_cid == "c3"


def test_eternal_operations_get_the_configured_session(fake_target, client, users):
    assert broker(client, users).cid_for(CATALOGUE) == ETERNAL_CID
    assert calls_to(fake_target, "/session/init") == 0
    without = SessionBroker(client, SECRET, users)
    assert without.cid_for(CATALOGUE) == "c1"  # anonymous: the call is expected to be refused


def test_pending_login_operations_get_a_held_login(fake_target, client, users):
    sessions = broker(client, users, authenticator_app=FakeApp)
    held = sessions.cid_for(HELD)
    user = sessions.held_user
    assert held != user.cid and [type(f) for f in user.second_factors] == [FakeApp]
    assert calls_to(fake_target, "/finishregisterauthenticator") == 1
    # A second held session: the same user, no second enrolment.
    assert sessions.open("pending-login", "authorizedevice") not in (held, user.cid)
    assert calls_to(fake_target, "/finishregisterauthenticator") == 1


def test_pending_login_without_an_app_is_anonymous(fake_target, client, users):
    assert broker(client, users).cid_for(HELD) == "c1"
    assert calls_to(fake_target, "/session/login") == 0


def test_session_changing_operations_get_sessions_of_their_own_when_isolated(
    fake_target, client, users
):
    shared = broker(client, users)
    assert shared.cid_for(LOGOUT) == shared.cid_for(PROFILE)
    isolated = broker(client, users, isolate_session_changes=True)
    assert len({isolated.cid_for(LOGOUT), isolated.cid_for(LOGOUT), isolated.cid_for(PROFILE)}) == 3
    assert session_key(LOGOUT, "case-1") != session_key(LOGOUT, "case-2")
    assert session_key(PROFILE, "case-1") == session_key(PROFILE, "case-2") == "user"


def test_unregister_runs_as_a_throwaway_user_when_isolated(fake_target, client, users):
    sessions = broker(client, users, isolate_session_changes=True)
    sessions.cid_for(PROFILE)
    sessions.cid_for(UNREGISTER)
    sessions.cid_for(UNREGISTER)
    assert [user.username for user in users.registry.users] == ["qa_t_1", "qa_t_2", "qa_t_3"]
    assert sessions.user.username == "qa_t_1"


def test_a_given_user_is_logged_in_and_never_unregistered(fake_target, client):
    given = User("alice", None, "pw", DOMAIN)
    sessions = broker(client, None, given_user=given, isolate_session_changes=True)
    assert sessions.open("user", "unregister") == "c1"
    assert calls_to(fake_target, "/session/login") == 0  # no throwaway user: runs anonymous
    sessions.cid_for(PROFILE)
    assert calls_to(fake_target, "/session/login") == 1 and given.cid is not None
    sessions.close()
    assert not fake_target.unregister.called


def test_close_unregisters_the_brokers_users_through_their_sessions(fake_target, client, users):
    sessions = broker(client, users, authenticator_app=FakeApp)
    user_cid = sessions.cid_for(PROFILE)
    sessions.cid_for(HELD)
    held_user = sessions.held_user
    sessions.close()
    used = [call.request.headers["X-Request-CID"] for call in fake_target.unregister.calls]
    assert used == [user_cid, held_user.cid]
    assert users.registry.users == []  # nothing left for the run's final cleanup


@pytest.mark.parametrize(
    "status, tracked",
    [
        pytest.param(201, True, id="201-is-tracked"),
        pytest.param(409, False, id="409-conflict-creates-nobody"),
    ],
)
def test_a_user_a_case_registered_is_tracked_without_a_request(
    fake_target, client, users, status, tracked
):
    register = SCHEMA["/{domainid}/user/register"]["POST"]
    case = register.Case(
        path_parameters={"domainid": DOMAIN},
        media_type=FORM,
        body={"username": "gen_1", "email": "gen_1@example.test", "password": "Pw1xxxxx"},
    )
    response = httpx.Response(
        status, json={"metadata": {"status": status}, "result": {"itemupdate": {"ID": 9}}}
    )
    broker(client, users).track_created_user(case, response)
    assert [(user.username, user.user_id) for user in users.registry.users] == (
        [("gen_1", 9)] if tracked else []
    )
    assert not fake_target.calls


def test_case_is_signed_for_its_own_operation_and_domain():
    case = SCHEMA["/{domainid}/user/authorize/{token}"]["POST"].Case(
        path_parameters={"domainid": 99, "token": "abc"}
    )
    sign_case(case, "cid-1", 4711, "s3cret")
    assert case.path_parameters["domainid"] == 4711
    assert case.headers["X-Request-Token"] == request_token("authorize", 4711, "s3cret")
    assert case.headers["X-Request-CID"] == "cid-1"


def negative_only_at(location: str):
    def matches(case) -> bool:
        return {place for place in ParameterLocation if case.meta.is_negative_at(place)} == {
            ParameterLocation(location)
        }

    return matches


def negative_case(location: str):
    strategy = PROFILE.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    # The first such case will do: shrinking (and explaining) it took seconds and tests nothing.
    return find(
        strategy,
        negative_only_at(location),
        settings=settings(database=None, max_examples=500, phases=[Phase.generate]),
    )


@pytest.mark.parametrize("location", ["header", "path"])
def test_negative_component_is_not_repaired(location):
    case = negative_case(location)
    before_domain = case.path_parameters["domainid"]
    before_headers = dict(case.headers or {})
    sign_case(case, "cid-1", 4711, "s3cret")
    if location == "header":
        assert case.headers == before_headers and case.path_parameters["domainid"] == 4711
    else:
        assert case.path_parameters["domainid"] == before_domain
        assert case.headers["X-Request-Token"] == request_token("profile", 4711, "s3cret")


@pytest.mark.parametrize("location", ["header", "path"])
def test_marking_a_case_as_signed_changes_no_value(location):
    case = negative_case(location)
    before = (dict(case.path_parameters), dict(case.headers or {}))
    mark_as_signed(case)
    assert (dict(case.path_parameters), dict(case.headers or {})) == before
    assert case.meta.is_negative_at(ParameterLocation(location))
