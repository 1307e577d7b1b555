"""A replay: the recorded cassettes answer, the network is blocked, no server runs.

What a replay cannot do, it says: time does not pass (the answers carry the recorded
times), and its tokens, codes and key credentials are stand-ins (nexx_conformance.stand_ins),
so only the recording knows which of them were equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pytest

from nexx_conformance import constants as c
from nexx_conformance.authenticators.totp import ReplayedAuthenticatorApp
from nexx_conformance.channels.replayed import ReplayedChannel
from nexx_conformance.config import NexxConfig
from nexx_conformance.guessed_rules import FAIL
from nexx_conformance.stand_ins import StandIns
from nexx_conformance.targets.base import Target
from nexx_conformance.targets.reference import bundled_domains

if TYPE_CHECKING:
    from nexx_conformance.authenticators.webauthn import SecurityKey

# Never sent to a server: the eternal session only has to be stable.
REPLAY_ETERNAL_CID = "replay-eternal-session"
# Cassettes hold no record mode of their own: a replay plays back and never records.
PLAY_BACK_ONLY = "none"


class Replay(Target):
    """Plays the cassettes recorded against the bundled server back (`--target replay`)."""

    allows_destructive = True
    allows_side_effects = True
    guessed_rules = FAIL
    time_passes = False
    issues_real_secrets = False
    retries_congestion = False
    uses_environment_proxies = False
    keeps_users = False
    forced_record_mode = PLAY_BACK_ONLY
    plays_recorded_cases = True

    @staticmethod
    def base_url_of(value: str) -> str:
        return c.REPLAY_BASE_URL

    @classmethod
    def domain_secret(cls, given: str | None) -> str:
        return c.REPLAY_SECRET  # whatever was given: the cassettes were signed with no real one

    @classmethod
    def eternal_cid(cls, given: str | None) -> str:
        return given or REPLAY_ETERNAL_CID

    @classmethod
    def extra_domains(cls, domain_id: int, environ: Mapping[str, str]) -> dict[str, int]:
        return bundled_domains(domain_id)

    def __init__(self, config: NexxConfig) -> None:
        super().__init__(config)
        # One source for the channel and the authenticators: every stand-in is new.
        self.stand_ins = StandIns()

    def new_run_id(self, worker: str | None) -> str:
        # Fixed: the cassettes store generated names as a replay generates them.
        return c.REPLAY_RUN_ID

    def name_prefix(self, run_id: str, test_number: int) -> str:
        # What the cassettes store a recorded test's names as (cassettes.vcr_settings).
        return f"qa_{c.REPLAY_RUN_ID}_"

    def choose_recording(self, pytest_config: pytest.Config) -> None:
        """Cassettes only, network blocked."""
        record_mode = pytest_config.getoption("record_mode", None)
        if record_mode not in (None, PLAY_BACK_ONLY):
            raise pytest.UsageError(
                f"--target replay plays cassettes back and cannot record (--record-mode={record_mode}); "
                "record against --target reference or a URL."
            )
        pytest_config.option.record_mode = PLAY_BACK_ONLY
        pytest_config.option.block_network = True

    def start(self) -> None:
        # Mails and SMS are never recorded (they carry tokens and codes): stand-ins arrive.
        self.mailbox = self.sms_inbox = ReplayedChannel(self.stand_ins)
        self.started = True

    def authenticator_app(self, uri: str) -> ReplayedAuthenticatorApp:
        # The URI's secret was scrubbed from the cassette: each code is a new stand-in, which
        # the cassette's per-value placeholders match in the recorded sequence.
        return ReplayedAuthenticatorApp(self.stand_ins)

    def security_key(self) -> SecurityKey:
        from nexx_conformance.authenticators.webauthn import SecurityKey  # as Target's

        return SecurityKey(replaying=True)
