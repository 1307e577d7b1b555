"""Each of our checks on hand-built responses: one that passes, one that fails."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import schemathesis
from schemathesis.checks import CheckContext
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.openapi.checks import IgnoredAuth

from nexx_conformance import checks
from nexx_conformance.checks import SessionFacts

from .conftest import operation as operation_of
from .conftest import signed_schema

BASE = "http://127.0.0.1:9/v3.1"
CID, ANON_CID, TOKEN = "cid-of-alice-0001", "cid-anonymous-0002", "a" * 32
FORM = "application/x-www-form-urlencoded"
DOMAIN = {"name": "domainid", "in": "path", "required": True, "schema": {"type": "integer"}}


def operation(op_id: str, session: str, *, method: str = "post", paged: bool = False) -> dict:
    parameters = [DOMAIN]
    if paged:
        parameters += [
            {"name": "start", "in": "query", "schema": {"type": "integer", "default": 0}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 25}},
        ]
    definition = {
        "operationId": op_id,
        "x-nexx-session": session,
        "parameters": parameters,
        "responses": {"200": {"description": "ok"}},
    }
    if method == "post":
        definition["requestBody"] = {"content": {FORM: {"schema": {"type": "object"}}}}
    return {method: definition}


SCHEMA = schemathesis.openapi.from_dict(
    {
        "openapi": "3.1.0",
        "info": {"title": "nexx selftest", "version": "1"},
        "paths": {
            "/{domainid}/session/login": operation("login", "anonymous"),
            "/{domainid}/user/profile": operation("profile", "user", method="get"),
            "/{domainid}/user/likes": operation("likes", "user", method="get", paged=True),
            "/{domainid}/user/updatedata": operation("updatedata", "user"),
        },
    }
)


def make_case(path: str, method: str, *, query=None, body=None, cid=CID, token=TOKEN):
    headers = (
        {"X-Request-CID": cid, "X-Request-Token": token} if cid else {"X-Request-Token": token}
    )
    extra = {"body": body, "media_type": FORM} if body is not None else {}
    return SCHEMA[path][method].Case(
        path_parameters={"domainid": 4711}, headers=headers, query=query or {}, **extra
    )


def envelope(status: int, result=None, errorhint=None, paging=None) -> dict:
    metadata = {
        "status": status,
        "apiversion": "3.1",
        "verb": "GET",
        "processingtime": 0.001,
        "calledwith": "/4711/user/x",
        "fordomain": 4711,
        "fromstage": 0,
    }
    if errorhint is not None:
        metadata["errorhint"] = errorhint
    body = {"metadata": metadata, "result": result}
    if paging is not None:
        body["paging"] = paging
    return body


def answer(case, status: int, body, base_url: str = BASE) -> Response:
    """The response a server gave to `case`, built by hand."""
    request = requests.Request(**case.as_transport_kwargs(base_url=base_url)).prepare()
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(status, {"Content-Type": ["application/json"]}, content, request, 0.01, True)


def context(base_url: str = BASE) -> CheckContext:
    return CheckContext(
        override=None,
        auth=None,
        headers=None,
        config=SCHEMA.config.checks_config_for(),
        transport_kwargs={"base_url": base_url},
        response_checks=None,
    )


@pytest.fixture
def facts() -> SessionFacts:
    """What one test's sessions tell the checks; empty until a test adds to it."""
    return SessionFacts()


def run(check, response, case, base_url: str = BASE, facts: SessionFacts | None = None) -> None:
    """`check` as schemathesis runs it in a test: bound to that test's facts."""
    (bound,) = [
        bound
        for bound in checks.checks_for(facts or SessionFacts())
        if bound.__name__ == check.__name__
    ]
    bound(context(base_url), response, case)


PROFILE = ("/{domainid}/user/profile", "GET")
LIKES = ("/{domainid}/user/likes", "GET")
LOGIN = ("/{domainid}/session/login", "POST")
UPDATEDATA = ("/{domainid}/user/updatedata", "POST")


FAILURE_KINDS = [
    checks.EnvelopeStatusMismatch,
    checks.ErrorWithoutHint,
    checks.ErrorWithResult,
    checks.InconsistentPaging,
    checks.ServerErrorAnswered,
    checks.SecretInResponse,
    checks.MissingSessionAccepted,
    checks.WrongTokenAccepted,
    checks.AnonymousSessionAccepted,
]


def test_each_check_reports_a_failure_kind_of_its_own():
    # schemathesis keeps one finding per operation and failure class: kinds must not merge.
    assert len({kind.code for kind in FAILURE_KINDS}) == len(FAILURE_KINDS)
    for kind in FAILURE_KINDS:
        (check,) = kind.checks
        assert callable(getattr(checks, check)), f"{kind.__name__} names no check of ours"
        assert getattr(checks, kind.__name__) is kind and kind.__module__ == checks.__name__
        failure = kind(
            operation="GET /{domainid}/user/profile",
            operation_id="profile",
            seen="what broke",
            expected="what the rule says",
            reproduce="curl ...",
        )
        assert isinstance(failure, checks.NexxRuleBroken) and failure.title == kind.kind_title
        assert failure.asdict()["type"] == kind.__name__ and failure.asdict()["code"] == kind.code


@pytest.mark.parametrize(
    "kind, rule, grade",
    [
        pytest.param(checks.EnvelopeStatusMismatch, "envelope-status", "stated", id="stated"),
        pytest.param(checks.ErrorWithResult, "error-result", "guessed", id="guessed"),
    ],
)
def test_a_failure_names_its_rule_grade_and_what_was_seen_and_expected(kind, rule, grade):
    failure = kind(
        operation="GET /{domainid}/user/profile",
        operation_id="profile",
        seen="HTTP 404 with metadata.status 200",
        expected="metadata.status == 404",
        reproduce="curl -X GET https://staging.example/v3.1/4711/user/profile",
    )
    assert (failure.rules, failure.grade) == ((rule,), grade)
    assert (failure.seen, failure.expected) == (
        "HTTP 404 with metadata.status 200",
        failure.expected,
    )
    assert failure.message.splitlines() == [
        "HTTP 404 with metadata.status 200",
        f"Expected: {failure.expected}",
        f"Rule: profile - {rule} ({grade}): {checks.book().rule(rule).title}",
        "Reproduce: curl -X GET https://staging.example/v3.1/4711/user/profile",
    ]


@pytest.mark.parametrize(
    "result, passes",
    [
        pytest.param(None, True, id="no-result-passes"),
        pytest.param({"user": 1}, False, id="a-result-fails"),
    ],
)
def test_error_has_no_result(result, passes):
    case = make_case(*PROFILE)
    body = envelope(403, errorhint="not allowed")
    if result is not None:
        body["result"] = result
    else:
        del body["result"]
    response = answer(case, 403, body)
    if passes:
        run(checks.error_has_no_result, response, case)
    else:
        with pytest.raises(checks.ErrorWithResult, match="Rule: profile"):
            run(checks.error_has_no_result, response, case)


def test_a_test_runs_every_check_of_ours_under_its_own_name():
    names = [check.__name__ for check in checks.checks_for(SessionFacts())]
    # and schemathesis' ignored_auth, once per operation and test, with its own failure kind
    assert sorted(names) == sorted([*(kind.checks[0] for kind in FAILURE_KINDS), "ignored_auth"])


def test_schemathesis_runs_our_checks_when_a_test_passes_them():
    facts = SessionFacts(secrets=("the-domain-secret-xyz",))
    case = make_case(*PROFILE)
    # A refusal, so no check re-sends the call: the hint spells out the secret.
    response = answer(case, 400, envelope(400, errorhint="bad token for the-domain-secret-xyz"))
    case.validate_response(response, checks=[checks.no_server_error])  # ours are not built in
    with pytest.raises(FailureGroup, match="NX105") as group:
        case.validate_response(
            response, checks=[checks.no_server_error], additional_checks=checks.checks_for(facts)
        )
    assert [type(failure) for failure in group.value.exceptions] == [checks.SecretInResponse]


@pytest.mark.parametrize(
    "http, envelope_status",
    [
        pytest.param(200, 200, id="200-matches-passes"),
        pytest.param(404, 404, id="404-matches-passes"),
        pytest.param(200, 201, id="201-in-envelope-on-200-fails"),
        pytest.param(400, None, id="missing-envelope-fails"),
    ],
)
def test_envelope_status_matches_http_status(http, envelope_status):
    case = make_case(*PROFILE)
    body = envelope(envelope_status) if envelope_status else b"Bad Request"
    response = answer(case, http, body)
    if http == envelope_status:
        run(checks.envelope_status_matches_http_status, response, case)
    else:
        with pytest.raises(checks.EnvelopeStatusMismatch, match="metadata.status"):
            run(checks.envelope_status_matches_http_status, response, case)


@pytest.mark.parametrize(
    "status, hint, result, passes",
    [
        pytest.param(409, "username is already taken", None, True, id="409-with-hint-passes"),
        pytest.param(200, None, {"ok": 1}, True, id="200-needs-no-hint-passes"),
        pytest.param(401, None, None, False, id="401-without-hint-fails"),
        pytest.param(400, "  ", None, False, id="400-with-blank-hint-fails"),
        pytest.param(403, "not allowed", {"user": 1}, True, id="403-with-result-has-its-hint"),
    ],
)
def test_error_has_errorhint(status, hint, result, passes):
    case = make_case(*PROFILE)
    response = answer(case, status, envelope(status, result=result, errorhint=hint))
    if passes:
        run(checks.error_has_errorhint, response, case)
    else:
        with pytest.raises(checks.ErrorWithoutHint, match="Rule: profile"):
            run(checks.error_has_errorhint, response, case)


@pytest.mark.parametrize(
    "query, paging, items, passes",
    [
        pytest.param(
            {}, {"start": 0, "limit": 25, "resultcount": 2}, 2, True, id="defaults-passes"
        ),
        pytest.param(
            {"start": 2, "limit": 2},
            {"start": 2, "limit": 2, "resultcount": 3},
            1,
            True,
            id="last-page-passes",
        ),
        pytest.param({}, None, 0, False, id="no-paging-fails"),
        pytest.param(
            {"start": 5},
            {"start": 0, "limit": 25, "resultcount": 9},
            9,
            False,
            id="start-not-echoed-fails",
        ),
        pytest.param(
            {"limit": 2},
            {"start": 0, "limit": 2, "resultcount": 9},
            3,
            False,
            id="more-items-than-limit-fails",
        ),
        pytest.param(
            {"start": 8},
            {"start": 8, "limit": 25, "resultcount": 9},
            2,
            False,
            id="more-items-than-remain-fails",
        ),
    ],
)
def test_paging_on_lists_is_consistent(query, paging, items, passes):
    case = make_case(*LIKES, query=query)
    response = answer(
        case, 200, envelope(200, result=[{"ID": i} for i in range(items)], paging=paging)
    )
    if passes:
        run(checks.paging_on_lists_is_consistent, response, case)
    else:
        with pytest.raises(checks.InconsistentPaging, match="Rule: likes"):
            run(checks.paging_on_lists_is_consistent, response, case)


def test_paging_is_not_asked_of_operations_without_limit():
    case = make_case(*PROFILE)
    run(checks.paging_on_lists_is_consistent, answer(case, 200, envelope(200, result={})), case)


@pytest.mark.parametrize(
    "status, body, passes",
    [
        pytest.param(400, envelope(400, errorhint="bad email"), True, id="400-passes"),
        pytest.param(500, envelope(500, errorhint="oops"), False, id="500-fails"),
        pytest.param(
            400,
            b'Traceback (most recent call last):\n  File "app.py", line 3',
            False,
            id="traceback-in-400-fails",
        ),
    ],
)
def test_no_server_error(status, body, passes):
    case = make_case(*PROFILE)
    response = answer(case, status, body)
    if passes:
        run(checks.no_server_error, response, case)
    else:
        with pytest.raises(checks.ServerErrorAnswered, match="never a 5xx"):
            run(checks.no_server_error, response, case)


def test_curl_in_a_failure_masks_session_signature_and_password():
    case = make_case(*LOGIN, body={"username": "alice", "password": "Secret-pass-1"})
    response = answer(case, 500, envelope(500, errorhint="oops"))
    with pytest.raises(checks.ServerErrorAnswered) as failure:
        run(checks.no_server_error, response, case)
    message = failure.value.message
    assert "curl -X POST" in message and "password=***" in message
    for secret in (CID, TOKEN, "Secret-pass-1"):
        assert secret not in message


@pytest.mark.parametrize(
    "sent, result, passes",
    [
        pytest.param(
            {"username": "alice", "password": "Secret-pass-1"},
            {"cid": "x"},
            True,
            id="clean-login-passes",
        ),
        pytest.param(
            {"username": "Secret-pass-1", "password": "Secret-pass-1"},
            {"username": "Secret-pass-1"},
            True,
            id="password-echoed-as-username-passes",
        ),
        pytest.param(
            {"username": "alice", "password": "Secret-pass-1"},
            {"user": {"password": "Secret-pass-1"}},
            False,
            id="password-echoed-fails",
        ),
        pytest.param(
            {"username": "alice", "password": "Secret-pass-1"},
            {"hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"},
            False,
            id="argon2-hash-fails",
        ),
        pytest.param(
            {"username": "alice", "password": "Secret-pass-1"},
            {"echo": TOKEN},
            False,
            id="signature-echoed-fails",
        ),
    ],
)
def test_no_secret_in_response(sent, result, passes):
    case = make_case(*LOGIN, body=sent)
    response = answer(case, 200, envelope(200, result=result))
    if passes:
        run(checks.no_secret_in_response, response, case)
    else:
        with pytest.raises(checks.SecretInResponse, match="Rule: login"):
            run(checks.no_secret_in_response, response, case)


def test_a_token_that_is_no_signature_may_be_echoed():
    case = make_case(*PROFILE, token="Inf")
    response = answer(case, 404, envelope(404, errorhint="unknown domain 'Inf'"))
    run(checks.no_secret_in_response, response, case)


def test_no_secret_in_response_finds_the_domain_secret():
    facts = SessionFacts(secrets=("the-domain-secret-xyz", None))
    case = make_case(*PROFILE)
    response = answer(case, 200, envelope(200, result={"note": "the-domain-secret-xyz"}))
    with pytest.raises(checks.SecretInResponse, match="domain secret"):
        run(checks.no_secret_in_response, response, case, facts=facts)


@pytest.mark.parametrize(
    "result, passes",
    [
        pytest.param(
            {"username": "Alice", "email": "alice@example.org"}, True, id="own-data-passes"
        ),
        pytest.param({"username": "bob", "email": "bob@example.org"}, False, id="bobs-data-fails"),
    ],
)
def test_no_secret_in_response_finds_another_users_data(result, passes, facts):
    facts.add_owner_identities(CID, "alice", "alice@example.org")
    case = make_case(*PROFILE)
    response = answer(case, 200, envelope(200, result=result))
    if passes:
        run(checks.no_secret_in_response, response, case, facts=facts)
    else:
        with pytest.raises(checks.SecretInResponse, match="another user's username 'bob'"):
            run(checks.no_secret_in_response, response, case, facts=facts)


def test_a_replayed_user_owns_the_recorded_name(facts):
    facts.add_owner_identities(CID, "qa_replay_1", "qa_replay_1@example.test")
    case = make_case(*PROFILE)
    recorded = {"username": "qa_3f9a2ct72_1", "email": "qa_3f9a2ct72_1@example.test"}
    run(checks.no_secret_in_response, answer(case, 200, envelope(200, recorded)), case, facts=facts)
    other = {"username": "qa_3f9a2ct72_2"}
    with pytest.raises(checks.SecretInResponse, match="qa_3f9a2ct72_2"):
        run(
            checks.no_secret_in_response, answer(case, 200, envelope(200, other)), case, facts=facts
        )


def test_a_renamed_user_owns_the_new_name(facts):
    facts.add_owner_identities(CID, "alice")
    rename = make_case(*UPDATEDATA, body={"username": "alice2"})
    run(
        checks.no_secret_in_response,
        answer(rename, 200, envelope(200, {"username": "alice2"})),
        rename,
        facts=facts,
    )
    profile = make_case(*PROFILE)
    run(
        checks.no_secret_in_response,
        answer(profile, 200, envelope(200, {"username": "alice2"})),
        profile,
        facts=facts,
    )


def test_another_tests_sessions_are_unknown_to_this_test(facts):
    # The sessions are the test's own: alice's session in one test tells another nothing,
    # so a check stays silent there rather than guess whose data it sees.
    facts.add_owner_identities(CID, "alice")
    case = make_case(*PROFILE)
    bobs = answer(case, 200, envelope(200, {"username": "bob"}))
    with pytest.raises(checks.SecretInResponse):
        run(checks.no_secret_in_response, bobs, case, facts=facts)
    run(checks.no_secret_in_response, bobs, case, facts=SessionFacts())


# --- the checks that re-send the call: a real server on loopback, behaving well or badly ---


def nexx_like_server(enforce: bool, hint: str = "rejected", refusal: int = 401):
    """A handler that answers like nexx: 401 (`refusal`) without session or with a bad
    token, 403 for anon."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            cid, token = self.headers.get("X-Request-CID"), self.headers.get("X-Request-Token")
            status = 200
            if enforce and (cid is None or token != TOKEN):
                status = refusal
            elif enforce and cid == ANON_CID:
                status = 403
            body = envelope(
                status,
                result=None if status != 200 else {"username": "alice"},
                errorhint=None if status == 200 else hint,
            )
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture(params=[True, False], ids=["enforcing-server", "lax-server"])
def server(request):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), nexx_like_server(enforce=request.param))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield request.param, f"http://127.0.0.1:{httpd.server_port}/v3.1"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.mark.parametrize(
    "check, failure",
    [
        pytest.param(
            checks.missing_session_is_rejected, checks.MissingSessionAccepted, id="missing-session"
        ),
        pytest.param(checks.wrong_token_is_rejected, checks.WrongTokenAccepted, id="wrong-token"),
        pytest.param(
            checks.anonymous_session_is_rejected_on_user_operations,
            checks.AnonymousSessionAccepted,
            id="anonymous-session",
        ),
    ],
)
def test_probes_pass_on_an_enforcing_server_and_fail_on_a_lax_one(server, check, failure, facts):
    enforcing, base_url = server
    facts.anonymous_cid = ANON_CID
    case = make_case(*PROFILE)
    response = answer(case, 200, envelope(200, result={}), base_url=base_url)
    if enforcing:
        run(check, response, case, base_url, facts)
    else:
        with pytest.raises(failure, match=r"Reproduce: curl .*X-Request-\w+: \*\*\*"):
            run(check, response, case, base_url, facts)


def test_a_probe_refused_with_another_status_breaks_only_the_status_rule(facts):
    # The refusal is what the docs state; which status it has is the contract's guess.
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), nexx_like_server(enforce=True, refusal=403))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{httpd.server_port}/v3.1"
        case = make_case(*PROFILE)
        response = answer(case, 200, envelope(200, result={}), base_url=base_url)
        with pytest.raises(checks.RefusedOtherwise, match="got HTTP 403") as raised:
            run(checks.missing_session_is_rejected, response, case, base_url, facts)
        assert raised.value.rule == "refused-session-status"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


SIGNED = signed_schema(
    "ignored_auth", {"/{domainid}/user/profile": {"get": operation_of("profile", "user")}}
)


def test_schemathesis_ignored_auth_probes_an_operation_once_per_test(server, facts):
    enforcing, base_url = server
    case = SIGNED["/{domainid}/user/profile"]["GET"].Case(
        path_parameters={"domainid": 4711}, headers={"X-Request-CID": CID, "X-Request-Token": TOKEN}
    )
    case._has_explicit_auth = True  # as a case our auth provider signed (DrawnCaseAuth)
    accepted = answer(case, 200, envelope(200, result={}), base_url=base_url)
    if not enforcing:
        with pytest.raises(IgnoredAuth, match="API accepts requests without authentication"):
            run(checks.ignored_auth, accepted, case, base_url, facts)
        return
    run(checks.ignored_auth, accepted, case, base_url, facts)
    assert facts.auth_enforced == {"GET /{domainid}/user/profile"}
    # Convinced in this test: no probe goes out again (nothing listens at BASE's port 9).
    run(checks.ignored_auth, accepted, case, BASE, facts)
    # A new test probes again, and here finds nobody to answer.
    with pytest.raises(requests.ConnectionError):
        run(checks.ignored_auth, accepted, case, BASE, SessionFacts())


def test_probes_skip_rejected_calls_and_repeat_operations(server, facts):
    enforcing, base_url = server
    case = make_case(*PROFILE)
    rejected = answer(case, 400, envelope(400, errorhint="bad"), base_url=base_url)
    run(
        checks.missing_session_is_rejected, rejected, case, base_url, facts
    )  # no probe: nothing raised
    accepted = answer(case, 200, envelope(200, result={}), base_url=base_url)
    if not enforcing:
        with pytest.raises(checks.MissingSessionAccepted):
            run(checks.missing_session_is_rejected, accepted, case, base_url, facts)
    run(checks.missing_session_is_rejected, accepted, case, base_url, facts)  # probed once already
    if not enforcing:
        # A new test probes again: what one test probed says nothing of the next one's target.
        with pytest.raises(checks.MissingSessionAccepted):
            run(checks.missing_session_is_rejected, accepted, case, base_url, SessionFacts())


def test_anonymous_probe_needs_an_anonymous_session(server):
    _, base_url = server
    case = make_case(*PROFILE)
    accepted = answer(case, 200, envelope(200, result={}), base_url=base_url)
    # No anonymous session known (outside the suite's tests): no probe, nothing to judge.
    run(checks.anonymous_session_is_rejected_on_user_operations, accepted, case, base_url)


def test_a_probe_whose_refusal_spells_out_the_secret_fails():
    secret = "domain-secret-0123456789"
    facts = SessionFacts(secrets=(secret,))
    leaky = nexx_like_server(
        enforce=True, hint=f"invalid token: expected md5('profile4711{secret}')"
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), leaky)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{httpd.server_port}/v3.1"
        case = make_case(*PROFILE)
        with pytest.raises(checks.SecretInResponse, match="the domain secret"):
            run(
                checks.wrong_token_is_rejected,
                answer(case, 200, envelope(200, result={}), base_url=base_url),
                case,
                base_url,
                facts,
            )
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_refusal_echoing_the_probes_wrong_token_is_no_leak():
    # The probe's token is ours and wrong on purpose; a path or hint may contain its zeros.
    echoing = nexx_like_server(
        enforce=True, hint=f"refused /user/verifyaccountdetailsunique/0{checks.WRONG_TOKEN}"
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), echoing)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{httpd.server_port}/v3.1"
        case = make_case(*PROFILE)
        run(
            checks.wrong_token_is_rejected,
            answer(case, 200, envelope(200, result={}), base_url=base_url),
            case,
            base_url,
        )
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_new_email_given_in_one_session_is_the_users_own_in_the_others():
    facts = checks.SessionFacts()
    facts.add_owner_identities("cid-1", "qa_1", "qa_1@example.test")
    facts.add_owner_identities("cid-2", "qa_1", "qa_1@example.test")  # the same user again
    facts.add_owner_identities("cid-3", "qa_2", "qa_2@example.test")  # another user
    facts.add_owner_identities("cid-1", "new@example.test")  # updatedata in one session
    assert "new@example.test" in facts.owner_identities("cid-2")
    assert "new@example.test" not in facts.owner_identities("cid-3")
