"""Steps: interactions that fill the media lists, and reading the lists."""

from __future__ import annotations

from nexx_conformance.steps.base import StepsBase


class MediaLists(StepsBase):
    pass
