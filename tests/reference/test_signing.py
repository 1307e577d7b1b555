"""Signing and the order of checks: domain 404, signature/session 401, input 400, kind 403."""

from __future__ import annotations

from nexx_conformance.client import NexxClient
from nexx_conformance.signing import request_token
from nexx_conformance.status import (
    BAD_REQUEST,
    CREATED,
    FORBIDDEN,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    UNAUTHORIZED,
)

from .conftest import ETERNAL_CID, SECRET


def test_unknown_domain_is_404_before_anything_else(api: NexxClient) -> None:
    answer = api.for_domain(999).call("POST", "session/keepalive", cid="no-such-session")
    assert answer.status == NOT_FOUND
    assert answer.metadata["forclient"] == 999
    assert "unknown domain" in answer.errorhint


def test_missing_token_is_401_naming_the_header(api: NexxClient) -> None:
    answer = api.call(
        "POST",
        "session/keepalive",
        cid=None,
        signed=False,
        headers={"X-Request-CID": api.init().cid},
    )
    assert answer.status == UNAUTHORIZED
    assert "X-Request-Token" in answer.errorhint


def test_missing_cid_is_401_naming_the_header(api: NexxClient) -> None:
    answer = api.call("POST", "session/keepalive", cid=None)
    assert answer.status == UNAUTHORIZED
    assert "X-Request-CID" in answer.errorhint


def test_wrong_token_is_401(api: NexxClient) -> None:
    answer = api.call(
        "POST",
        "session/keepalive",
        cid=None,
        signed=False,
        headers={"X-Request-CID": api.init().cid, "X-Request-Token": "0" * 32},
    )
    assert answer.status == UNAUTHORIZED
    assert "invalid X-Request-Token for operation 'keepalive'" in answer.errorhint


def test_token_of_another_operation_is_401(api: NexxClient) -> None:
    logout_token = request_token("logout", api.domain_id, SECRET)
    answer = api.call(
        "POST",
        "session/keepalive",
        cid=None,
        signed=False,
        headers={"X-Request-CID": api.init().cid, "X-Request-Token": logout_token},
    )
    assert answer.status == UNAUTHORIZED


def test_unknown_session_is_401(api: NexxClient) -> None:
    answer = api.session("x" * 43).keepalive()
    assert answer.status == UNAUTHORIZED
    assert "unknown session" in answer.errorhint


def test_session_of_another_domain_is_401(api: NexxClient, auto_api: NexxClient) -> None:
    answer = api.session(auto_api.init().cid).keepalive()
    assert answer.status == UNAUTHORIZED


def test_signed_bad_input_is_400_even_for_the_wrong_session_kind(api: NexxClient) -> None:
    # profile needs a logged-in user (403), but the bad flag is reported first.
    answer = api.init().get("user/profile", addEventData="7")
    assert answer.status == BAD_REQUEST
    assert "addEventData" in answer.errorhint


def test_user_operation_with_anonymous_session_is_403(api: NexxClient) -> None:
    answer = api.init().get("user/profile")
    assert answer.status == FORBIDDEN
    assert answer.errorhint == "this operation needs a logged-in user"


def test_eternal_operation_with_ordinary_session_is_403(api: NexxClient) -> None:
    answer = api.init().post("user/resendwelcomemail", forUserID=1)
    assert answer.status == FORBIDDEN
    assert "eternal session" in answer.errorhint


def test_eternal_session_is_accepted_for_eternal_operations(api: NexxClient) -> None:
    answer = api.session(ETERNAL_CID).post("user/resendwelcomemail", forUserID=2147483647)
    assert answer.status == NOT_FOUND  # signed and allowed; the user is unknown


def test_unknown_path_answers_with_the_envelope(api: NexxClient) -> None:
    answer = api.call("GET", "user/nosuchoperation", cid=None, signed=False)
    assert answer.status == NOT_FOUND
    assert answer.result is None
    assert answer.errorhint


def test_wrong_method_is_405_with_allow(api: NexxClient) -> None:
    answer = api.call("GET", "session/init", cid=None, signed=False)
    assert answer.status == METHOD_NOT_ALLOWED
    assert answer.headers["allow"] == "POST"
    assert answer.metadata["status"] == METHOD_NOT_ALLOWED


def test_cfo_is_echoed_as_calledfor(api: NexxClient) -> None:
    answer = api.call(
        "POST",
        "session/init",
        cid=None,
        signed=False,
        fields={"nxp_devh": "device-0001", "cfo": "web"},
    )
    assert answer.status == CREATED
    assert answer.metadata["calledfor"] == "web"
    assert answer.metadata["calledwith"] == "/session/init"
    assert answer.metadata["apiversion"] == "3.1.30" and answer.metadata["verb"] == "POST"
