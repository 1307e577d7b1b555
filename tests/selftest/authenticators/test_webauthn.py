import json

import pytest
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import InvalidAuthenticationResponse
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from nexx_conformance.authenticators.webauthn import SecurityKey

HOST = "nexx.example.test"
ORIGIN = f"https://{HOST}"


def register(key):
    options = generate_registration_options(rp_id=HOST, rp_name="nexx", user_name="ann")
    credential = key.register(options_to_json(options))
    verified = verify_registration_response(
        credential=credential,
        expected_challenge=options.challenge,
        expected_rp_id=HOST,
        expected_origin=ORIGIN,
    )
    return credential, verified


def login_options(verified):
    return generate_authentication_options(
        rp_id=HOST, allow_credentials=[PublicKeyCredentialDescriptor(id=verified.credential_id)]
    )


def test_registration_verifies_with_the_webauthn_library():
    credential, verified = register(SecurityKey())
    assert verified.fmt == "none" and verified.sign_count == 0
    assert credential["id"] == credential["rawId"] and "=" not in credential["id"]


def test_assertions_verify_and_the_counter_grows():
    key = SecurityKey()
    _, verified = register(key)
    count = verified.sign_count
    for _ in range(2):
        options = login_options(verified)
        assertion = key.authenticate(json.loads(options_to_json(options)))
        result = verify_authentication_response(
            credential=assertion,
            expected_challenge=options.challenge,
            expected_rp_id=HOST,
            expected_origin=ORIGIN,
            credential_public_key=verified.credential_public_key,
            credential_current_sign_count=count,
        )
        assert result.new_sign_count > count
        count = result.new_sign_count


def test_assertion_for_another_challenge_fails():
    key = SecurityKey()
    _, verified = register(key)
    assertion = key.authenticate(options_to_json(login_options(verified)))
    with pytest.raises(InvalidAuthenticationResponse):
        verify_authentication_response(
            credential=assertion,
            expected_challenge=b"another-challenge",
            expected_rp_id=HOST,
            expected_origin=ORIGIN,
            credential_public_key=verified.credential_public_key,
            credential_current_sign_count=0,
        )


def test_unknown_credential_is_a_lookup_error():
    _, verified = register(SecurityKey())
    with pytest.raises(LookupError):
        SecurityKey().authenticate(options_to_json(login_options(verified)))
