"""Input rules come from the contract: each violation is a 400 naming the parameter and rule."""

from __future__ import annotations

import pytest

from nexx_conformance.client import NexxClient
from nexx_conformance.status import BAD_REQUEST, NOT_FOUND

from .conftest import ETERNAL_CID, Account, send_raw

ACCOUNT = {"username": "valid_name", "email": "valid@example.org", "password": "correct-horse-7"}


@pytest.mark.parametrize(
    "change, hint",
    [
        pytest.param(
            {"email": "not-an-email"},
            "parameter 'email' must be a valid email address",
            id="email-format",
        ),
        pytest.param(
            {"birthday": "1990-13-01"},
            "parameter 'birthday' must be a valid date (YYYY-MM-DD)",
            id="date-format",
        ),
        pytest.param(
            {"birthday": "19900501"},
            "parameter 'birthday' must be a valid date (YYYY-MM-DD)",
            id="basic-date-refused",
        ),
        pytest.param(
            {"gender": "robot"},
            "parameter 'gender' must be one of male, female, diverse, unknown",
            id="enum",
        ),
        pytest.param(
            {"phone": "0176 123"}, "parameter 'phone' must match the pattern", id="pattern"
        ),
        pytest.param(
            {"username": "ab"},
            "parameter 'username' must be at least 3 characters long",
            id="min-length",
        ),
        pytest.param(
            {"password": "lettersonly"},
            "parameter 'password' must match the pattern",
            id="password-needs-digit",
        ),
        pytest.param({"skipLogin": "2"}, "parameter 'skipLogin' must be one of 0, 1", id="flag"),
        pytest.param(
            {"connectedForm": "seven"},
            "parameter 'connectedForm' must be an integer",
            id="integer-type",
        ),
        pytest.param(
            {"username": None}, "parameter 'username' is required", id="manual-needs-username"
        ),
        pytest.param(
            {"connectedForm": "2147483648"},
            "parameter 'connectedForm' must be at most",
            id="integer-maximum",
        ),
        pytest.param(
            {"connectedForm": "334714702617342967808"},
            "integer 334714702617342967808 is out of range",
            id="beyond-64-bits-is-400-not-500",
        ),
    ],
)
def test_register_input_rules(api: NexxClient, change: dict, hint: str) -> None:
    fields = {k: v for k, v in {**ACCOUNT, **change}.items() if v is not None}
    answer = api.init().post("user/register", **fields)
    assert answer.status == BAD_REQUEST
    assert answer.errorhint.startswith(hint)


def test_social_login_needs_its_token(api: NexxClient) -> None:
    answer = api.init().post("session/login", provider="google")
    assert answer.status == BAD_REQUEST
    assert answer.errorhint == "parameter 'token' is required"


def test_query_integer_below_minimum(logged_in_user: Account) -> None:
    answer = logged_in_user.session.put("user/updatechannelsubscriptions?channel=0")
    assert answer.status == BAD_REQUEST
    assert answer.errorhint == "parameter 'channel' must be at least 1"


def test_path_token_too_short(api: NexxClient) -> None:
    answer = api.init().post("user/authorize/short")
    assert answer.status == BAD_REQUEST
    assert "parameter 'token'" in answer.errorhint


def test_body_integer_for_the_eternal_session(api: NexxClient) -> None:
    answer = api.session(ETERNAL_CID).post("user/resendwelcomemail", forUserID="abc")
    assert answer.status == BAD_REQUEST
    assert answer.errorhint == "parameter 'forUserID' must be an integer"


def test_a_json_body_is_refused(api: NexxClient) -> None:
    # Raw: the suite client sends forms only.
    answer = send_raw(api, "POST", "user/register", cid=api.init().cid, json=ACCOUNT)
    assert answer.status == BAD_REQUEST
    assert "application/x-www-form-urlencoded" in answer.errorhint


def test_a_body_that_is_not_utf8_is_400_not_500(api: NexxClient) -> None:
    # Raw: the suite client encodes its fields as UTF-8.
    answer = send_raw(
        api,
        "POST",
        "user/register",
        cid=api.init().cid,
        content=b"username=\xff\xfe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == BAD_REQUEST


def test_the_errorhint_never_echoes_a_password(api: NexxClient) -> None:
    answer = api.init().post("user/register", **{**ACCOUNT, "password": "x" * 200})
    assert answer.status == BAD_REQUEST
    assert "x" * 20 not in answer.text


@pytest.mark.parametrize("domain", ["0", "-1", "abc", "99999999999"])
def test_malformed_domain_ids_are_404(api: NexxClient, domain: str) -> None:
    # Raw: the suite client's domain is an integer, "abc" is none.
    answer = send_raw(
        api, "POST", "session/init", signed=False, domain=domain, data={"nxp_devh": "device-0001"}
    )
    assert answer.status == NOT_FOUND
    assert answer.errorhint.startswith("unknown domain")
