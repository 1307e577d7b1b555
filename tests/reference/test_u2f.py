"""U2F/WebAuthn: a software security key registers, and every later login waits for it.

The key (nexx_conformance.authenticators.webauthn) signs with real ES256 keys; the
server verifies with the `webauthn` library. Nothing is mocked.
"""

from __future__ import annotations

import json
from http import HTTPStatus

import httpx

from nexx_conformance.authenticators.webauthn import SecurityKey

from .conftest import Api
from .second_factor_helpers import (  # noqa: F401 - fixtures are found by name
    HOST,
    Person,
    authorize_device,
    held_login,
    plain_api_fixture,
    profile_of,
    register,
    sms_sink_fixture,
    two_factor_server_fixture,
)


def prepare(api: Api, person: Person, host: str = HOST) -> dict:
    response = api.call("POST", "user/prepareregisteru2fdevice", person.cid, data={"host": host})
    assert response.status_code == HTTPStatus.OK, response.text
    return response.json()["result"]


def finish(api: Api, person: Person, token: dict | str, host: str = HOST) -> httpx.Response:
    token = token if isinstance(token, str) else json.dumps(token)
    return api.call("POST", "user/finishregisteru2fdevice", person.cid, data={"token": token, "host": host})


def authorize_login(api: Api, cid: str, token: dict | str, host: str = HOST) -> httpx.Response:
    token = token if isinstance(token, str) else json.dumps(token)
    return api.call("POST", "user/authorizelogin", cid, data={"token": token, "host": host})


def with_key(api: Api) -> tuple[Person, SecurityKey]:
    """Step: a user who registered a security key for HOST."""
    person, key = register(api), SecurityKey()
    response = finish(api, person, key.register(prepare(api, person)["webauthn"]))
    assert response.status_code == HTTPStatus.OK, response.text
    return person, key


def test_registration_stores_the_device(plain_api: Api) -> None:
    person, key = register(plain_api), SecurityKey()
    options = prepare(plain_api, person)
    assert options["host"] == HOST and options["webauthn"]["rp"]["id"] == HOST
    token = key.register(options["webauthn"])

    response = finish(plain_api, person, token)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"]["credentialid"] == token["id"]
    assert profile_of(plain_api, person.cid).json()["result"]["twofactor"]["u2fdevices"] == 1


def test_registration_challenge_is_single_use_and_bound_to_its_host(plain_api: Api) -> None:
    person, key = register(plain_api), SecurityKey()
    token = key.register(prepare(plain_api, person)["webauthn"])
    assert finish(plain_api, person, token, host="other.example.org").status_code == HTTPStatus.NOT_FOUND
    assert finish(plain_api, person, token).status_code == HTTPStatus.OK
    assert finish(plain_api, person, token).status_code == HTTPStatus.NOT_FOUND


def test_registration_from_another_origin_is_rejected(plain_api: Api) -> None:
    person, key = register(plain_api), SecurityKey()
    token = key.register(prepare(plain_api, person)["webauthn"], origin="https://evil.example.net")
    response = finish(plain_api, person, token)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert profile_of(plain_api, person.cid).json()["result"]["twofactor"]["u2fdevices"] == 0


def test_login_of_a_u2f_user_is_held_until_the_assertion(plain_api: Api) -> None:
    person, key = with_key(plain_api)
    cid, held = held_login(plain_api, person, device=person.device)  # even on a known device
    assert held["loginstate"] == "needs-u2f" and held["webauthn"]["rpId"] == HOST
    assert profile_of(plain_api, cid).status_code == HTTPStatus.FORBIDDEN
    assert authorize_device(plain_api, cid, "123456").status_code == HTTPStatus.FORBIDDEN

    response = authorize_login(plain_api, cid, key.authenticate(held["webauthn"]))

    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"]["user"]["ID"] == person.user_id
    assert profile_of(plain_api, cid).status_code == HTTPStatus.OK


def test_assertion_from_another_origin_is_rejected(plain_api: Api) -> None:
    person, key = with_key(plain_api)
    cid, held = held_login(plain_api, person)

    phished = authorize_login(plain_api, cid, key.authenticate(held["webauthn"], origin="https://evil.example.net"))

    assert phished.status_code == HTTPStatus.FORBIDDEN
    assert authorize_login(plain_api, cid, key.authenticate(held["webauthn"])).status_code == HTTPStatus.OK


def test_assertion_with_a_counter_that_did_not_grow_is_rejected(plain_api: Api) -> None:
    person, key = with_key(plain_api)
    first_cid, first = held_login(plain_api, person)
    second_cid, second = held_login(plain_api, person)
    earlier = key.authenticate(first["webauthn"])  # counter 1
    later = key.authenticate(second["webauthn"])  # counter 2
    assert authorize_login(plain_api, second_cid, later).status_code == HTTPStatus.OK

    replayed = authorize_login(plain_api, first_cid, earlier)

    assert replayed.status_code == HTTPStatus.FORBIDDEN
    assert "sign count" in replayed.json()["metadata"]["errorhint"]


def test_assertion_for_another_challenge_is_rejected(plain_api: Api) -> None:
    person, key = with_key(plain_api)
    first_cid, first = held_login(plain_api, person)
    used = key.authenticate(first["webauthn"])
    assert authorize_login(plain_api, first_cid, used).status_code == HTTPStatus.OK

    second_cid, _ = held_login(plain_api, person)
    assert authorize_login(plain_api, second_cid, used).status_code == HTTPStatus.FORBIDDEN


def test_malformed_tokens_are_refused_403_with_a_hint(plain_api: Api) -> None:
    person, key = with_key(plain_api)
    cid, held = held_login(plain_api, person)
    assertion = key.authenticate(held["webauthn"])
    truncated = {**assertion, "response": {"clientDataJSON": assertion["response"]["clientDataJSON"]}}
    for token in ("not json", "[]", json.dumps(truncated)):
        response = authorize_login(plain_api, cid, token)
        assert response.status_code == HTTPStatus.FORBIDDEN, token
        assert "token" in response.json()["metadata"]["errorhint"]
    assert finish(plain_api, person, "{}").status_code == HTTPStatus.FORBIDDEN
