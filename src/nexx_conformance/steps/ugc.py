"""Steps: user-generated content (addarticle, addplaylist, addcollection)."""

from __future__ import annotations

from nexx_conformance.steps.base import StepsBase


class Ugc(StepsBase):
    pass
