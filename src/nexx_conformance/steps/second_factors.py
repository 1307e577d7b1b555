"""Steps: SMS codes, authenticator apps (TOTP), security keys (WebAuthn), held logins."""

from __future__ import annotations

from nexx_conformance.steps.base import StepsBase


class SecondFactors(StepsBase):
    pass
