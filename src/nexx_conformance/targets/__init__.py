"""The targets one run can point at, one class per kind: the bundled reference server
(`reference`), the recorded cassettes (`replay`) and a live system (an http(s) base URL)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from nexx_conformance import constants as c
from nexx_conformance.config import Getter, resolve
from nexx_conformance.targets.base import Target
from nexx_conformance.targets.reference import ReferenceServer
from nexx_conformance.targets.replay import Replay
from nexx_conformance.targets.url import UrlTarget

KINDS_BY_KEYWORD: dict[str, type[Target]] = {
    c.TARGET_REFERENCE: ReferenceServer,
    c.TARGET_REPLAY: Replay,
}


def kind_of(value: str) -> type[Target]:
    """The kind of target a (checked) --target value names: a keyword, else a base URL."""
    return KINDS_BY_KEYWORD.get(value, UrlTarget)


def configured_target(option: Getter, environ: Mapping[str, str] = os.environ) -> Target:
    """The target the options name, its configuration resolved (config.resolve), not started."""
    config = resolve(option, kind_of, environ)
    return kind_of(config.target)(config)
