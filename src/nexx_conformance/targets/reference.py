"""The bundled reference server, started in a thread per pytest process on a free loopback
port, delivering to the suite's own SMTP and SMS sinks."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from nexx_conformance import constants as c
from nexx_conformance.channels import Channel
from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.config import ConfigError, NexxConfig
from nexx_conformance.contract import contract
from nexx_conformance.guessed_rules import FAIL
from nexx_conformance.targets.base import Target, TargetError


class ReferenceServer(Target):
    """Ours to change and to count: destructive tests run, guessed rules fail, users are counted."""

    allows_destructive = True
    allows_side_effects = True
    # Our own server must keep our own rules, guessed or not.
    guessed_rules = FAIL
    time_passes = True
    # Its test-only clock control (nexx_reference.clock), reached in this process only.
    moves_clock = True
    issues_real_secrets = True
    # On our server a 429 is an answer under test, not congestion.
    retries_congestion = False
    uses_environment_proxies = False

    @staticmethod
    def base_url_of(value: str) -> str:
        return ""  # known once the server listens

    @classmethod
    def domain_secret(cls, given: str | None) -> str:
        # The server takes whatever we give it: a fresh secret per run keeps recorded
        # cassettes from ever holding a reusable credential.
        return given or secrets.token_urlsafe(24)

    @classmethod
    def eternal_cid(cls, given: str | None) -> str:
        return given or secrets.token_urlsafe(24)

    @classmethod
    def extra_domains(cls, domain_id: int, environ: Mapping[str, str]) -> dict[str, int]:
        return bundled_domains(domain_id)

    def open_mailbox(self) -> Channel:
        endpoint = self.config.mailbox
        if endpoint is None:
            return SmtpSink()
        if endpoint.scheme != "smtp":
            raise ConfigError(
                "with --target reference the mailbox is the suite's own SMTP sink: "
                "use --mailbox smtp://127.0.0.1:PORT or leave it out."
            )
        return SmtpSink(endpoint.host, endpoint.port)

    def open_sms_inbox(self) -> Channel:
        return super().open_sms_inbox() or SmsWebhookSink()

    def start(self) -> None:
        self.open_channels()
        try:
            from nexx_reference.server import start_in_thread
        except ImportError as error:
            raise TargetError(
                f"the bundled reference server cannot be imported ({error}); "
                "run against a URL with --target or record with it first"
            ) from None
        running = start_in_thread(
            reference_settings(
                self.config, (self.mailbox.host, self.mailbox.port), self.sms_inbox.url
            )
        )
        self._closers.append(running.stop)
        self.base_url = running.base_url.rstrip("/")
        self.users = running.users
        self.preflight()
        self.started = True

    def turn_clock_forward(self, seconds: float) -> None:
        from nexx_reference import clock

        clock.turn_forward(seconds)

    def put_clock_back(self) -> None:
        from nexx_reference import clock

        clock.put_back()


def bundled_domains(domain_id: int) -> dict[str, int]:
    """The special domains the bundled server is started with (and a replay re-plays)."""
    return {c.DOMAIN_AUTOAUTHORIZE: domain_id + 1, c.DOMAIN_SMS_2FA: domain_id + 2}


def reference_settings(
    config: NexxConfig, smtp_address: tuple[str, int] | None, sms_url: str | None
):
    """Settings for the bundled server: the main domain plus one per special purpose."""
    from nexx_reference.settings import DomainSettings, Settings

    domains = (
        DomainSettings(id=config.domain_id),
        DomainSettings(id=config.extra_domains[c.DOMAIN_AUTOAUTHORIZE], autoauthorize=True),
        DomainSettings(id=config.extra_domains[c.DOMAIN_SMS_2FA], twofactor="sms"),
    )
    return Settings(
        domains=domains,
        secret=config.domain_secret,
        eternal_cid=config.eternal_cid,
        smtp=smtp_address,
        sms_webhook=sms_url,
        host="127.0.0.1",
        port=0,  # a free loopback port, one server per xdist worker
        password_hash_cost="cheapest",  # the suite hashes many passwords on 2 cores
        # The run's contract (--contract): the server serves what the suite tests against.
        contract=str(contract().source),
    )
