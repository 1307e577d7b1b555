"""Steps: request and use a password reset, change and verify the password."""

from __future__ import annotations

from nexx_conformance.steps.base import StepsBase


class Passwords(StepsBase):
    pass
