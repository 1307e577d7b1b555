"""Steps: updatedata, updatestatus, channel subscriptions, the profile's extra data."""

from __future__ import annotations

from nexx_conformance.steps.base import StepsBase


class Profile(StepsBase):
    pass
