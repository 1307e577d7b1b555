"""Flow u2f: a logged-in user registers a software security key (prepareregisteru2fdevice
-> the key's attestation -> finishregisteru2fdevice); from then on every login of the user
is held until /user/authorizelogin gets a valid assertion of the key. An assertion for
another host, a replayed assertion and one over another session's challenge are refused.

The key signs with real ES256 keys (nexx_conformance.authenticators.webauthn).
"""

import base64
import json
import secrets

import pytest

from nexx_conformance.status import FORBIDDEN, NOT_FOUND
from nexx_conformance.steps.second_factors import KEY_HOST, NEEDS_KEY

pytestmark = pytest.mark.flow("u2f")

OTHER_HOST = "other.example.net"


def with_unissued_challenge(options: dict | str) -> dict:
    """The creation options with a challenge the server never handed out."""
    options = json.loads(options) if isinstance(options, str) else dict(options)
    inner = dict(options.get("publicKey", options))
    inner["challenge"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    return {"publicKey": inner} if "publicKey" in options else inner


def without_signature(assertion: dict) -> dict:
    """The assertion with only its client data: no authenticator data, no signature."""
    return {**assertion, "response": {"clientDataJSON": assertion["response"]["clientDataJSON"]}}


def test_registration_stores_the_key(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    options = steps.start_key_registration(session)
    with steps.step("the creation options are for the host asked for"):
        assert options["rp"]["id"] == KEY_HOST, f"relying party {options['rp']['id']!r}"

    key = steps.security_key()
    steps.register_key(session, user, key, key.register(options))
    with steps.step("the profile counts the key"):
        assert steps.profile(session)["twofactor"]["u2fdevices"] == 1, (
            "twofactor.u2fdevices is not 1"
        )


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_every_login_is_held_until_the_assertion(steps):
    user = steps.registered_user()
    key = steps.enrol_security_key(steps.logged_in(user), user)
    login = steps.held_login(
        user, device=user.device, loginstate=NEEDS_KEY
    )  # even the known device
    with steps.step("the request options are for the key's host"):
        assert login.result["webauthn"]["rpId"] == KEY_HOST, (
            f"rpId {login.result['webauthn']['rpId']!r}"
        )

    with steps.step("the held login does not read the profile"):
        steps.refused(
            login.session.get("user/profile"),
            rule="profile: a held login is not logged in",
            statuses=(FORBIDDEN,),
        )
    with steps.step("a device code does not finish a U2F login"):
        steps.refused(
            steps.authorize_device(login, "123456"),
            rule="authorizedevice: a login not held for a code answers 403",
            statuses=(FORBIDDEN,),
        )

    steps.complete_with_key(login, key, user=user)
    steps.profile(login.session)


def test_assertion_for_another_host_is_refused(steps):
    user = steps.registered_user()
    key = steps.enrol_security_key(steps.logged_in(user), user)
    login = steps.held_login(user, loginstate=NEEDS_KEY)

    with steps.step("an assertion made on another host's page is refused"):
        phished = steps.assertion(login, key, origin=f"https://{OTHER_HOST}")
        steps.refused(
            steps.authorize_login(login, phished),
            rule="authorizelogin: an assertion from another origin does not verify (403)",
            statuses=(FORBIDDEN,),
        )
    with steps.step("an assertion sent for another host is refused"):
        steps.refused(
            steps.authorize_login(login, steps.assertion(login, key), host=OTHER_HOST),
            rule="authorizelogin: the assertion must be for the challenge's host (403)",
            statuses=(FORBIDDEN,),
        )

    steps.complete_with_key(login, key, user=user)


def test_replayed_assertion_is_refused(steps):
    user = steps.registered_user()
    key = steps.enrol_security_key(steps.logged_in(user), user)
    first = steps.held_login(user, loginstate=NEEDS_KEY)
    used = steps.assertion(first, key)
    with steps.step("the assertion finishes its login"):
        steps.expect_logged_in(
            steps.authorize_login(first, used),
            user,
            rule="authorizelogin: a valid assertion finishes the held login (200)",
        )

    second = steps.held_login(user, loginstate=NEEDS_KEY)
    with steps.step("the same assertion on the next held login is refused"):
        steps.refused(
            steps.authorize_login(second, used),
            rule="authorizelogin: an assertion answers one challenge once (403)",
            statuses=(FORBIDDEN,),
        )
    steps.complete_with_key(second, key, user=user)


def test_assertion_over_another_sessions_challenge_is_refused(steps):
    user = steps.registered_user()
    key = steps.enrol_security_key(steps.logged_in(user), user)
    mine = steps.held_login(user, loginstate=NEEDS_KEY)
    other = steps.held_login(user, loginstate=NEEDS_KEY)

    with steps.step("an assertion over the other session's challenge is refused"):
        steps.refused(
            steps.authorize_login(mine, steps.assertion(other, key)),
            rule="authorizelogin: the assertion must answer this login's challenge (403)",
            statuses=(FORBIDDEN,),
        )

    steps.complete_with_key(mine, key, user=user)


def test_assertion_whose_counter_did_not_grow_is_refused(steps):
    user = steps.registered_user()
    key = steps.enrol_security_key(steps.logged_in(user), user)
    first, second = (
        steps.held_login(user, loginstate=NEEDS_KEY),
        steps.held_login(user, loginstate=NEEDS_KEY),
    )
    earlier, later = steps.assertion(first, key), steps.assertion(second, key)
    steps.expect_logged_in(
        steps.authorize_login(second, later),
        user,
        rule="authorizelogin: a valid assertion finishes the held login (200)",
    )

    with steps.step("the earlier assertion, counted before the one used, is refused"):
        steps.refused(
            steps.authorize_login(first, earlier),
            rule="authorizelogin: a signature counter that did not grow is refused (403)",
            statuses=(FORBIDDEN,),
        )


def test_registration_challenge_is_single_use_and_bound_to_its_host(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    key = steps.security_key()
    attestation = key.register(steps.start_key_registration(session))

    with steps.step("the attestation sent for another host finds no challenge"):
        steps.refused(
            steps.finish_key_registration(session, attestation, host=OTHER_HOST),
            rule="finishregisteru2fdevice: no open challenge for this host (404)",
            statuses=(NOT_FOUND,),
        )
    steps.register_key(session, user, key, attestation)
    with steps.step("the same attestation again finds no challenge"):
        steps.refused(
            steps.finish_key_registration(session, attestation),
            rule="finishregisteru2fdevice: the challenge is used up (404)",
            statuses=(NOT_FOUND,),
        )


def test_registration_from_another_origin_is_refused(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    options = steps.start_key_registration(session)

    with steps.step("an attestation made on another host's page is refused"):
        forged = steps.security_key().register(options, origin=f"https://{OTHER_HOST}")
        steps.refused(
            steps.finish_key_registration(session, forged),
            rule="finishregisteru2fdevice: an attestation from another origin does not verify (403)",
            statuses=(FORBIDDEN,),
        )
        assert steps.profile(session)["twofactor"]["u2fdevices"] == 0, (
            "a refused attestation registered a key"
        )


def test_attestation_over_a_challenge_never_issued_is_refused(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    options = steps.start_key_registration(session)

    with steps.step("an attestation over a challenge the server never issued is refused"):
        forged = steps.security_key().register(with_unissued_challenge(options))
        steps.refused(
            steps.finish_key_registration(session, forged),
            rule="finishregisteru2fdevice: the attestation must answer the issued challenge (403)",
            statuses=(FORBIDDEN,),
        )
        assert steps.profile(session)["twofactor"]["u2fdevices"] == 0, (
            "a refused attestation registered a key"
        )


def test_malformed_tokens_are_refused_with_a_hint(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    key = steps.enrol_security_key(session, user)
    login = steps.held_login(user, loginstate=NEEDS_KEY)
    assertion = steps.assertion(login, key)

    for token in ("not json", "[]", json.dumps(without_signature(assertion))):
        with steps.step(f"authorizelogin refuses the token {token[:20]!r}"):
            steps.refused(
                steps.authorize_login(login, token),
                rule="authorizelogin: a token that is not an assertion is refused (403)",
                statuses=(FORBIDDEN,),
            )
    steps.start_key_registration(session)
    with steps.step("finishregisteru2fdevice refuses an empty object"):
        steps.refused(
            steps.finish_key_registration(session, "{}"),
            rule="finishregisteru2fdevice: a token that is not an attestation is refused (403)",
            statuses=(FORBIDDEN,),
        )
