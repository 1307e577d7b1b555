"""U2F/WebAuthn devices: registration (prepare/finish) and the assertion of a held login.

Verification is the `webauthn` library's, with real signatures: the relying party id is
the `host` the client names, the origin `https://{host}`. Every challenge is single-use
and lives 5 minutes. A stored signature counter that does not grow refuses the
assertion: a cloned key or a replayed assertion shows itself that way.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import webauthn
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticationCredential,
    PublicKeyCredentialDescriptor,
    RegistrationCredential,
)
from webauthn.registration.verify_registration_response import VerifiedRegistration

from .. import clock, faults
from ..envelope import ApiError
from .single_use import has_expired

RP_NAME = "nexx"
CHALLENGE_LIFETIME = 5 * 60
TIMEOUT_MS = 60_000
# Whatever a malformed but well-typed token makes the library raise on its way.
VERIFY_ERRORS = (WebAuthnException, ValueError, TypeError, KeyError)


@dataclass(frozen=True)
class LoginChallenge:
    host: str
    challenge: str
    options: dict[str, Any]


def _origin(host: str) -> str:
    return f"https://{host}"


def _descriptors(
    db: sqlite3.Connection, user_id: int, host: str
) -> list[PublicKeyCredentialDescriptor]:
    rows = db.execute(
        "SELECT credential_id FROM u2f_devices WHERE user_id = ? AND host = ? ORDER BY id",
        (user_id, host),
    ).fetchall()
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(row["credential_id"])) for row in rows
    ]


def count(db: sqlite3.Connection, user_id: int) -> int:
    return db.execute("SELECT COUNT(*) FROM u2f_devices WHERE user_id = ?", (user_id,)).fetchone()[
        0
    ]


def prepare_registration(
    db: sqlite3.Connection, cid: str, user: sqlite3.Row, host: str
) -> dict[str, Any]:
    """Creation options for `host`; replaces this session's open registration challenge."""
    name = user["username"] or user["email"] or f"user{user['id']}"
    display = " ".join(part for part in (user["firstname"], user["lastname"]) if part) or name
    options = webauthn.generate_registration_options(
        rp_id=host,
        rp_name=RP_NAME,
        user_name=name,
        user_display_name=display,
        user_id=str(user["id"]).encode(),
        timeout=TIMEOUT_MS,
        exclude_credentials=_descriptors(db, user["id"], host),
    )
    db.execute(
        "INSERT OR REPLACE INTO u2f_registrations (cid, user_id, host, challenge, expires) VALUES (?, ?, ?, ?, ?)",
        (
            cid,
            user["id"],
            host,
            bytes_to_base64url(options.challenge),
            clock.now() + CHALLENGE_LIFETIME,
        ),
    )
    return {"host": host, "webauthn": options_to_json_dict(options)}


def parse_registration(token: str) -> RegistrationCredential:
    try:
        return parse_registration_credential_json(token)
    except VERIFY_ERRORS as exc:
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            f"parameter 'token' is not a WebAuthn registration response: {exc}",
        ) from None


def parse_assertion(token: str) -> AuthenticationCredential:
    try:
        return parse_authentication_credential_json(token)
    except VERIFY_ERRORS as exc:
        raise ApiError(
            HTTPStatus.FORBIDDEN, f"parameter 'token' is not a WebAuthn assertion: {exc}"
        ) from None


def take_registration_challenge(db: sqlite3.Connection, cid: str, user_id: int, host: str) -> str:
    """This session's open challenge for `host`, used up by taking it; 404 if there is none."""
    row = db.execute(
        "SELECT challenge, expires FROM u2f_registrations WHERE cid = ? AND user_id = ? AND host = ?",
        (cid, user_id, host),
    ).fetchone()
    if row is None or has_expired(row["expires"]):
        raise ApiError(
            HTTPStatus.NOT_FOUND,
            f"no open U2F registration for host {host}: call /user/prepareregisteru2fdevice first",
        )
    db.execute("DELETE FROM u2f_registrations WHERE cid = ?", (cid,))
    return row["challenge"]


def verify_registration(
    credential: RegistrationCredential, challenge: str, host: str
) -> VerifiedRegistration:
    if faults.active("webauthn-attestation-not-verified"):
        # Checks the response against the challenge and origin it claims itself.
        claimed = json.loads(credential.response.client_data_json)
        challenge, host = claimed["challenge"], claimed["origin"].removeprefix("https://")
    try:
        return webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_origin=_origin(host),
            expected_rp_id=host,
        )
    except VERIFY_ERRORS as exc:
        raise ApiError(
            HTTPStatus.FORBIDDEN, f"the U2F registration does not verify: {exc}"
        ) from None


def add_device(
    db: sqlite3.Connection, user_id: int, host: str, verified: VerifiedRegistration
) -> dict[str, Any]:
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.execute("SELECT 1 FROM u2f_devices WHERE credential_id = ?", (credential_id,)).fetchone():
        raise ApiError(HTTPStatus.CONFLICT, "this U2F device is registered already")
    now = clock.now()
    cursor = db.execute(
        "INSERT INTO u2f_devices (user_id, credential_id, public_key, sign_count, host, created)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, credential_id, verified.credential_public_key, verified.sign_count, host, now),
    )
    return {
        "ID": int(cursor.lastrowid),
        "credentialid": credential_id,
        "host": host,
        "created": int(now),
    }


def login_challenge(db: sqlite3.Connection, user_id: int) -> LoginChallenge | None:
    """Request options for a login, bound to the host of the user's latest device; None without devices."""
    row = db.execute(
        "SELECT host FROM u2f_devices WHERE user_id = ? ORDER BY id DESC LIMIT 1", (user_id,)
    ).fetchone()
    if row is None:
        return None
    host = row["host"]
    options = webauthn.generate_authentication_options(
        rp_id=host, timeout=TIMEOUT_MS, allow_credentials=_descriptors(db, user_id, host)
    )
    return LoginChallenge(
        host, bytes_to_base64url(options.challenge), options_to_json_dict(options)
    )


def verify_login(
    db: sqlite3.Connection,
    user_id: int,
    credential: AuthenticationCredential,
    challenge: str,
    host: str,
) -> None:
    """Check the assertion against the user's device for `host` and store its new counter; 403 if it fails."""
    device = db.execute(
        "SELECT id, public_key, sign_count FROM u2f_devices WHERE user_id = ? AND credential_id = ? AND host = ?",
        (user_id, bytes_to_base64url(credential.raw_id), host),
    ).fetchone()
    if device is None:
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            f"the assertion is not from a U2F device of this user for host {host}",
        )
    if faults.active("webauthn-assertion-not-verified"):
        return
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=host,
            expected_origin=_origin(host),
            credential_public_key=device["public_key"],
            credential_current_sign_count=device["sign_count"],
        )
    except VERIFY_ERRORS as exc:
        raise ApiError(HTTPStatus.FORBIDDEN, f"the U2F assertion does not verify: {exc}") from None
    db.execute(
        "UPDATE u2f_devices SET sign_count = ? WHERE id = ?",
        (verified.new_sign_count, device["id"]),
    )


def profile_fields(
    db: sqlite3.Connection, user_id: int, params: Mapping[str, Any]
) -> dict[str, Any]:
    return {"twofactor": {"u2fdevices": count(db, user_id)}}
