"""Steps: prepareupload, PUT the bytes, finishupload."""

from __future__ import annotations

from nexx_conformance.steps.base import StepsBase


class Uploads(StepsBase):
    pass
