"""Authenticator app (TOTP): enrolment, held logins on new devices, no time step twice."""

from __future__ import annotations

from http import HTTPStatus

from nexx_conformance.authenticators.totp import AuthenticatorApp

from .conftest import Api
from .second_factor_helpers import (  # noqa: F401 - fixtures are found by name
    Person,
    authorize_device,
    held_login,
    log_in,
    plain_api_fixture,
    profile_of,
    register,
    sms_sink_fixture,
    two_factor_server_fixture,
)


def prepare(api: Api, person: Person) -> dict:
    response = api.call("POST", "user/prepareregisterauthenticator", person.cid)
    assert response.status_code == HTTPStatus.OK, response.text
    return response.json()["result"]


def finish(api: Api, person: Person, process: int, code: str | None = None):
    data = {"process": process} if code is None else {"process": process, "code": code}
    return api.call("POST", "user/finishregisterauthenticator", person.cid, data=data)


def enrolled(api: Api, person: Person) -> tuple[AuthenticatorApp, int]:
    """Step: enrol an app with a code of the current step; gives the app and that step."""
    started = prepare(api, person)
    app = AuthenticatorApp.from_uri(started["uri"])
    step = app.current_step()
    response = finish(api, person, started["process"], app.code_at(step))
    assert response.status_code == HTTPStatus.OK, response.text
    return app, step


def test_enrolment_shows_the_secret_once_and_sets_twofactor_app(plain_api: Api) -> None:
    person = register(plain_api)
    started = prepare(plain_api, person)
    assert started["uri"].startswith(f"otpauth://totp/nexx:{person.username}?secret={started['secret']}&")
    assert profile_of(plain_api, person.cid).json()["result"]["twofactor"]["app"] == 0
    app = AuthenticatorApp.from_uri(started["uri"])

    response = finish(plain_api, person, started["process"], app.code())

    assert response.json()["result"] == {"process": started["process"], "status": "enrolled"}
    profile = profile_of(plain_api, person.cid)
    assert profile.json()["result"]["twofactor"] == {"app": 1, "u2fdevices": 0}
    assert started["secret"] not in profile.text


def test_second_finish_is_409_and_unknown_or_foreign_process_is_404(plain_api: Api) -> None:
    person, stranger = register(plain_api), register(plain_api)
    started = prepare(plain_api, person)
    app = AuthenticatorApp.from_uri(started["uri"])
    assert finish(plain_api, stranger, started["process"], app.code()).status_code == HTTPStatus.NOT_FOUND
    assert finish(plain_api, person, started["process"]).status_code == HTTPStatus.OK
    assert finish(plain_api, person, started["process"]).status_code == HTTPStatus.CONFLICT
    assert finish(plain_api, person, 2_000_000_000).status_code == HTTPStatus.NOT_FOUND


def test_wrong_enrolment_code_is_403_and_the_process_stays_open(plain_api: Api) -> None:
    person = register(plain_api)
    started = prepare(plain_api, person)
    app = AuthenticatorApp.from_uri(started["uri"])
    step = app.current_step()
    wrong = app.code_at(step + 10)

    assert finish(plain_api, person, started["process"], wrong).status_code == HTTPStatus.FORBIDDEN
    assert profile_of(plain_api, person.cid).json()["result"]["twofactor"]["app"] == 0
    assert finish(plain_api, person, started["process"], app.code_at(step)).status_code == HTTPStatus.OK


def test_login_on_new_device_needs_an_app_code(plain_api: Api) -> None:
    person = register(plain_api)
    app, step = enrolled(plain_api, person)
    cid, held = held_login(plain_api, person)
    assert held == {"general": {"cid": cid}, "loginstate": "needs-device-code", "codetype": "app"}
    assert plain_api.call("GET", "user/requestkeycode", cid).status_code == HTTPStatus.CONFLICT
    assert authorize_device(plain_api, cid, app.code_at(step + 1), codetype="sms").status_code == 409

    response = authorize_device(plain_api, cid, app.code_at(step + 1), codetype="app")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"]["user"]["twofactor"]["app"] == 1


def test_same_time_step_is_never_accepted_twice(plain_api: Api) -> None:
    person = register(plain_api)
    app, step = enrolled(plain_api, person)
    first_cid, _ = held_login(plain_api, person)
    # The enrolment used step `step` already.
    assert authorize_device(plain_api, first_cid, app.code_at(step), "app").status_code == 403
    assert authorize_device(plain_api, first_cid, app.code_at(step + 1), "app").status_code == 200

    second_cid, _ = held_login(plain_api, person)
    replayed = authorize_device(plain_api, second_cid, app.code_at(step + 1), "app")

    assert replayed.status_code == HTTPStatus.FORBIDDEN


def test_device_that_enrolled_with_a_code_is_not_held(plain_api: Api) -> None:
    person = register(plain_api)
    enrolled(plain_api, person)
    _, same_device = log_in(plain_api, person, device=person.device)
    _, new_device = log_in(plain_api, person)
    assert same_device.status_code == HTTPStatus.OK
    assert new_device.status_code == HTTPStatus.ACCEPTED
