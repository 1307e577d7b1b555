"""Steps: age verification (prepareavsupdate, finishavsupdate)."""

from __future__ import annotations

from nexx_conformance.steps.base import StepsBase


class Avs(StepsBase):
    pass
