"""A software security key: ES256 credentials answering WebAuthn creation and request options.

fido2 2.x has no software authenticator, but its data classes plus `cryptography` build
attestations (fmt "none") and assertions that the server's `webauthn` library verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

FLAGS = AuthenticatorData.FLAG


@dataclass
class _Credential:
    credential_id: bytes
    rp_id: str
    private_key: ec.EllipticCurvePrivateKey
    sign_count: int = 0


def _options(options: Any) -> dict:
    # Servers hand out options as a JSON string or object, sometimes wrapped in "publicKey".
    if isinstance(options, (str, bytes)):
        options = json.loads(options)
    return options.get("publicKey", options)


def _b64(data: bytes) -> str:
    return websafe_encode(data)  # unpadded base64url, as WebAuthn's JSON form wants


def _public_key_credential(
    credential: _Credential, client_data: CollectedClientData, **response: str | None
) -> dict:
    """The `PublicKeyCredential` JSON around an authenticator response (attestation, assertion)."""
    return {
        "id": _b64(credential.credential_id),
        "rawId": _b64(credential.credential_id),
        "type": "public-key",
        "response": {"clientDataJSON": _b64(bytes(client_data)), **response},
        "clientExtensionResults": {},
    }


class SecurityKey:
    """A U2F/WebAuthn key in software; the private keys never leave this object."""

    def __init__(self, *, replaying: bool = False) -> None:
        self._credentials: dict[bytes, _Credential] = {}
        # In replay the recorded allowCredentials name the key that recorded the cassette;
        # this key's fresh credentials answer instead. Each answer is a new JSON text, as
        # each recorded one was, so the cassette's per-value placeholders still match.
        self._replaying = replaying

    def __repr__(self) -> str:
        return f"SecurityKey(credentials={len(self._credentials)})"

    def register(self, creation_options: Any, *, origin: str | None = None) -> dict:
        """The `PublicKeyCredential` JSON of navigator.credentials.create()."""
        options = _options(creation_options)
        rp_id = options["rp"]["id"]
        origin = origin or f"https://{rp_id}"
        credential = _Credential(os.urandom(32), rp_id, ec.generate_private_key(ec.SECP256R1()))
        self._credentials[credential.credential_id] = credential
        client_data = CollectedClientData.create(
            CollectedClientData.TYPE.CREATE, options["challenge"], origin
        )
        attested = AttestedCredentialData.create(
            Aaguid.NONE,
            credential.credential_id,
            ES256.from_cryptography_key(credential.private_key.public_key()),
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(),
            FLAGS.UP | FLAGS.AT,
            credential.sign_count,
            attested,
        )
        attestation = AttestationObject.create("none", auth_data, {})
        return _public_key_credential(
            credential, client_data, attestationObject=_b64(bytes(attestation))
        )

    def authenticate(self, request_options: Any, *, origin: str | None = None) -> dict:
        """The `PublicKeyCredential` JSON of navigator.credentials.get()."""
        options = _options(request_options)
        credential = self._pick(options)
        origin = origin or f"https://{credential.rp_id}"
        credential.sign_count += 1  # servers reject a counter that does not grow
        client_data = CollectedClientData.create(
            CollectedClientData.TYPE.GET, options["challenge"], origin
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(credential.rp_id.encode()).digest(), FLAGS.UP, credential.sign_count
        )
        signature = credential.private_key.sign(
            bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        return _public_key_credential(
            credential,
            client_data,
            authenticatorData=_b64(bytes(auth_data)),
            signature=_b64(signature),
            userHandle=None,
        )

    def _pick(self, options: dict) -> _Credential:
        rp_id = options.get("rpId")
        allowed = [websafe_decode(entry["id"]) for entry in options.get("allowCredentials") or []]
        if self._replaying:
            allowed = []
        for credential_id, credential in self._credentials.items():
            if (not allowed or credential_id in allowed) and rp_id in (None, credential.rp_id):
                return credential
        raise LookupError(f"this security key holds no credential for rpId {rp_id!r}")
