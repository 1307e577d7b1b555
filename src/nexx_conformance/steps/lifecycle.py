"""Steps: push devices, takeout, welcome mail, unsubscribe, unregister."""

from __future__ import annotations

from nexx_conformance.steps.base import StepsBase


class Lifecycle(StepsBase):
    pass
