"""The three kinds of target one run can point at: the bundled reference server, a URL, a replay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from nexx_conformance import constants as c
from nexx_conformance.client import NexxClient
from nexx_conformance.config import NexxConfig
from nexx_conformance.status import UNAUTHORIZED

PREFLIGHT_TIMEOUT = 5.0


class TargetError(RuntimeError):
    """The target cannot be used: the message says what to fix."""


@dataclass
class Target:
    """A running target: its base URL, its domains by purpose and how to stop it.

    `users` lists every user the target stores; only the bundled reference server can
    (a URL target does not tell us who else uses it).
    """

    kind: str
    base_url: str
    domains: dict[str, int]
    stop: Callable[[], None] = field(default=lambda: None, repr=False)
    users: Callable[[], list[str]] | None = field(default=None, repr=False)

    @property
    def live(self) -> bool:
        return self.kind != c.TARGET_REPLAY


def reference_settings(config: NexxConfig, smtp_address: tuple[str, int] | None,
                       sms_url: str | None):
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
    )


def start_reference(config: NexxConfig, smtp_address: tuple[str, int] | None, sms_url: str | None) -> Target:
    try:
        from nexx_reference.server import start_in_thread
    except ImportError as error:
        raise TargetError(f"the bundled reference server cannot be imported ({error}); "
                          "run against a URL with --target or record with it first") from None
    running = start_in_thread(reference_settings(config, smtp_address, sms_url))
    return Target(c.TARGET_REFERENCE, running.base_url.rstrip("/"), domains_of(config), running.stop,
                  users=running.users)


def url_target(config: NexxConfig) -> Target:
    return Target("url", config.base_url, domains_of(config))


def replay_target(config: NexxConfig) -> Target:
    return Target(c.TARGET_REPLAY, c.REPLAY_BASE_URL, domains_of(config))


def domains_of(config: NexxConfig) -> dict[str, int]:
    return {c.DOMAIN_MAIN: config.domain_id, **config.extra_domains}


def preflight(client: NexxClient) -> None:
    """Fail fast on an unreachable target or a wrong secret: init, then one signed call."""
    where = f"{client.base_url} (domain {client.domain_id})"
    try:
        session = client.init()
        answer = session.keepalive()
    except httpx.HTTPError as error:
        raise TargetError(f"the target {where} is not reachable: {type(error).__name__}: {error}") from None
    except AssertionError as error:
        raise TargetError(f"the target {where} did not open a session - is the base URL right "
                          f"(it ends with the API version, e.g. /v3.1)? {error}") from None
    if answer.status == UNAUTHORIZED:
        raise TargetError(f"the target {where} rejects our signature (HTTP 401 on a signed "
                          "keepalive): check --domain-secret / NEXX_DOMAIN_SECRET and --domain-id.")
    if not answer.ok:
        raise TargetError(f"a signed keepalive on {where} failed: {answer.describe()}")
