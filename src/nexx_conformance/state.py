"""What one pytest process holds for the whole run: config, target, channels, run id."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

import pytest

from nexx_conformance import constants as c
from nexx_conformance.channels import Channel
from nexx_conformance.config import NexxConfig
from nexx_conformance.targets import Target

log = logging.getLogger(__name__)


@dataclass
class SuiteState:
    config: NexxConfig
    run_id: str
    target: Target | None = None
    mailbox: Channel | None = None
    sms_inbox: Channel | None = None
    closers: list = field(default_factory=list)
    # What the target still stores when the run ends (nexx_conformance.users.count_left).
    users_left: dict | None = None

    def close(self) -> None:
        # Last started, first stopped: the server before the sinks it delivers to.
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception as error:  # noqa: BLE001 - a failing stop must not hide the results
                log.warning("nexx: stopping %s failed: %s", closer, type(error).__name__)


STATE_KEY = pytest.StashKey[SuiteState]()


def new_run_id(config: NexxConfig, worker: str | None) -> str:
    """Random per run and per xdist worker when live, fixed when replaying.

    Lowercase letters and digits only: the cassette matchers recognise generated
    names by the pattern qa_<runid>_<n>.
    """
    if config.is_replay:
        return c.REPLAY_RUN_ID
    return secrets.token_hex(3) + (worker or "")


def state_of(pytest_config: pytest.Config) -> SuiteState:
    return pytest_config.stash[STATE_KEY]
