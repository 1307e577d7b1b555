"""A live nexx system named by its base URL (`--target https://staging.example/v3.1`)."""

from __future__ import annotations

from collections.abc import Mapping

from nexx_conformance import constants as c
from nexx_conformance.config import parse_domain_id
from nexx_conformance.guessed_rules import WARN
from nexx_conformance.targets.base import Target


class UrlTarget(Target):
    """Shared with other people: we may only call it, with the secret we were given."""

    allows_destructive = False
    allows_side_effects = False
    # The published page is the rule there; our guesses are reported, not failed.
    guessed_rules = WARN
    time_passes = True
    issues_real_secrets = True
    retries_congestion = True

    @staticmethod
    def base_url_of(value: str) -> str:
        return value

    @classmethod
    def domain_secret(cls, given: str | None) -> str | None:
        return given

    @classmethod
    def eternal_cid(cls, given: str | None) -> str | None:
        return given

    @classmethod
    def extra_domains(cls, domain_id: int, environ: Mapping[str, str]) -> dict[str, int]:
        # Someone else's domains: only the ones named in the environment.
        found = {}
        for purpose, name in (
            (c.DOMAIN_AUTOAUTHORIZE, c.ENV_DOMAIN_AUTOAUTHORIZE),
            (c.DOMAIN_SMS_2FA, c.ENV_DOMAIN_SMS_2FA),
        ):
            if environ.get(name):
                found[purpose] = parse_domain_id(environ[name], name, None)
        return found

    def check_before_workers(self) -> None:
        # Checked once by the xdist controller: a wrong secret gives one message, not one per worker.
        super().check_before_workers()
        self.preflight()
