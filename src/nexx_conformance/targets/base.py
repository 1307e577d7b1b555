"""What every kind of target has in common, and the preflight check of a live one.

A kind of target is a class (`ReferenceServer`, `Replay`, `UrlTarget`): it decides what the
user did not set (the secret, the defaults of the allow-options, the guessed-rules mode)
and what the suite may rely on (does time pass, can its clock be turned forward, are codes
real, are 429s congestion). The
instance is the target one run points at: it opens its channels, starts, is checked, gives
signed clients and software second factors, and stops. No other module asks which kind it
is: it asks the target.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import httpx

from nexx_conformance import constants as c
from nexx_conformance.authenticators.totp import AuthenticatorApp
from nexx_conformance.channels import Channel
from nexx_conformance.channels.mailpit import MailpitMailbox
from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.client import NexxClient
from nexx_conformance.config import ConfigError
from nexx_conformance.status import UNAUTHORIZED

if TYPE_CHECKING:
    import pytest

    from nexx_conformance.authenticators.webauthn import SecurityKey
    from nexx_conformance.config import NexxConfig

log = logging.getLogger(__name__)

PREFLIGHT_TIMEOUT = 5.0
# Sinks on these schemes listen on a port of this machine: one process only can bind it.
SINK_SCHEMES = ("smtp", "webhook")


class TargetError(RuntimeError):
    """The target cannot be used: the message says what to fix."""


class Target:
    """What the three kinds share. Each kind states its own policies and capabilities: only
    the two that one kind alone differs in (`keeps_users`, `forced_record_mode`) have defaults."""

    # Defaults the user's options override (config.resolve: command line > environment > these).
    allows_destructive: ClassVar[bool]
    allows_side_effects: ClassVar[bool]
    guessed_rules: ClassVar[str]
    # Waiting changes what the target answers (a replay answers with the recorded times).
    time_passes: ClassVar[bool]
    # The suite can turn the target's clock forward (turn_clock_forward): the bundled
    # server's test-only control; nothing else's clock can be moved from outside.
    moves_clock: ClassVar[bool] = False
    # Its tokens, codes and key credentials are the ones it issued, so two of them can be
    # compared (a replay's are stand-ins: the recording decided which were equal).
    issues_real_secrets: ClassVar[bool]
    # A 429 or 503 is congestion to wait out (a shared live system), not an answer under test.
    retries_congestion: ClassVar[bool]
    # Reached through the proxies the environment names (HTTP_PROXY, NO_PROXY): a system
    # elsewhere may be; the bundled server and a replay are on this machine, and requests
    # read the environment's proxy settings again for every request it sends.
    uses_environment_proxies: ClassVar[bool] = True
    # The users tests register stay there until removed (a replay keeps none).
    keeps_users: ClassVar[bool] = True
    # The record mode its cassettes are held to whatever a marker says (None: the run's own).
    forced_record_mode: ClassVar[str | None] = None

    @staticmethod
    def base_url_of(value: str) -> str:
        """The base URL the --target value names ("" until a started server knows it)."""
        raise NotImplementedError

    @classmethod
    def domain_secret(cls, given: str | None) -> str | None:
        """The domain secret: the one given, or one the kind makes up; None: it must be given."""
        raise NotImplementedError

    @classmethod
    def eternal_cid(cls, given: str | None) -> str | None:
        """The eternal (backend) session: the one given, or one the kind makes up, or None."""
        raise NotImplementedError

    @classmethod
    def extra_domains(cls, domain_id: int, environ: Mapping[str, str]) -> dict[str, int]:
        """The domains with special settings, by purpose; absent purposes skip their tests."""
        raise NotImplementedError

    def __init__(self, config: NexxConfig) -> None:
        self.config = config
        self.base_url = config.base_url
        self.domains = {c.DOMAIN_MAIN: config.domain_id, **config.extra_domains}
        self.mailbox: Channel | None = None
        self.sms_inbox: Channel | None = None
        # Lists every user the target stores; only the bundled server can (users.count_left).
        self.users = None
        self.started = False
        self._closers: list = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config.target!r})"

    # -- before the run ------------------------------------------------------------------

    def new_run_id(self, worker: str | None) -> str:
        """Random per run and per xdist worker: lowercase letters and digits only, since the
        cassette matchers recognise generated names by the pattern qa_<runid>_<n>."""
        return secrets.token_hex(3) + (worker or "")

    def name_prefix(self, run_id: str, test_number: int) -> str:
        """The prefix of a test's generated names: qa_<runid>t<test number>_."""
        return f"qa_{run_id}t{test_number}_"

    def choose_recording(self, pytest_config: pytest.Config) -> None:
        """A live target is called, not replayed: no cassettes unless --record-mode asks."""
        if pytest_config.getoption("record_mode", None) is None:
            pytest_config.option.disable_recording = True

    def check_before_workers(self) -> None:
        """What the xdist controller checks once for its workers (it runs no test itself)."""
        self.refuse_shared_sinks()

    def refuse_shared_sinks(self) -> None:
        for endpoint, option in (
            (self.config.mailbox, "--mailbox"),
            (self.config.sms_inbox, "--sms-inbox"),
        ):
            if endpoint is not None and endpoint.scheme in SINK_SCHEMES:
                raise ConfigError(
                    f"{option} {endpoint.url} is a sink on one fixed port, which only one process can "
                    "bind: run without -n, or read mails from Mailpit (--mailbox mailpit+http://HOST:PORT); "
                    "with --target reference leave the sinks out and every worker gets its own."
                )

    # -- the run -------------------------------------------------------------------------

    def start(self) -> None:
        """Open the channels and check the target answers our signature."""
        self.open_channels()
        self.preflight()
        self.started = True

    def open_channels(self) -> None:
        self.mailbox = self.closed_on_stop(self.open_mailbox())
        self.sms_inbox = self.closed_on_stop(self.open_sms_inbox())

    def open_mailbox(self) -> Channel | None:
        """The mailbox --mailbox names (smtp: a sink of ours; mailpit+http(s): a Mailpit)."""
        endpoint = self.config.mailbox
        if endpoint is None:
            return None
        if endpoint.scheme == "smtp":
            return SmtpSink(endpoint.host, endpoint.port)
        scheme = endpoint.scheme.removeprefix("mailpit+")
        return MailpitMailbox(f"{scheme}://{endpoint.host}:{endpoint.port}")

    def open_sms_inbox(self) -> Channel | None:
        """The webhook sink --sms-inbox names."""
        endpoint = self.config.sms_inbox
        return None if endpoint is None else SmsWebhookSink(endpoint.host, endpoint.port)

    def closed_on_stop(self, channel):
        """`channel`, to be closed when the target stops (after what was started later)."""
        if channel is not None:
            self._closers.append(channel.close)
        return channel

    def stop(self) -> None:
        # Last started, first stopped: the server before the sinks it delivers to.
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception as error:  # noqa: BLE001 - a failing stop must not hide the results
                log.warning("nexx: stopping %s failed: %s", closer, type(error).__name__)

    @property
    def stopped(self) -> bool:
        """True once nothing of the target runs any more (or nothing was started)."""
        return not self._closers

    def preflight(self) -> None:
        client = NexxClient(
            self.base_url,
            self.config.domain_id,
            self.config.domain_secret,
            timeout=PREFLIGHT_TIMEOUT,
        )
        try:
            preflight(client)
        finally:
            client.close()

    # -- what the tests get --------------------------------------------------------------

    def turn_clock_forward(self, seconds: float) -> None:
        """Let `seconds` pass on the target's clock at once (only where `moves_clock`)."""
        raise TargetError(f"the clock of {self!r} cannot be turned forward")

    def put_clock_back(self) -> None:
        """The target's clock shows its own time again (nothing to do where it never moved)."""

    def client(self) -> NexxClient:
        """A signed client on the main domain of the target."""
        return NexxClient(
            self.base_url,
            self.config.domain_id,
            self.config.domain_secret,
            retry=self.retries_congestion,
        )

    def authenticator_app(self, uri: str):
        """The authenticator app set up by scanning an otpauth:// URI."""
        return AuthenticatorApp.from_uri(uri)

    def security_key(self) -> SecurityKey:
        """A software WebAuthn security key with no credentials yet."""
        # Imported by the first test that asks for a key: fido2 and cryptography are 25 ms
        # of every run's start-up otherwise.
        from nexx_conformance.authenticators.webauthn import SecurityKey

        return SecurityKey()


def preflight(client: NexxClient) -> None:
    """Fail fast on an unreachable target or a wrong secret: init, then one signed call."""
    where = f"{client.base_url} (domain {client.domain_id})"
    try:
        session = client.init()
        answer = session.keepalive()
    except httpx.HTTPError as error:
        raise TargetError(
            f"the target {where} is not reachable: {type(error).__name__}: {error}"
        ) from None
    except AssertionError as error:
        raise TargetError(
            f"the target {where} did not open a session - is the base URL right "
            f"(it ends with the API version, e.g. /v3.1)? {error}"
        ) from None
    if answer.status == UNAUTHORIZED:
        raise TargetError(
            f"the target {where} rejects our signature (HTTP 401 on a signed "
            "keepalive): check --domain-secret / NEXX_DOMAIN_SECRET and --domain-id."
        )
    if not answer.ok:
        raise TargetError(f"a signed keepalive on {where} failed: {answer.describe()}")
