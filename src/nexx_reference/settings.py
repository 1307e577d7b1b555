"""Configuration of the reference server, built by the CLI or by tests."""

from __future__ import annotations

from dataclasses import dataclass, field

TWOFACTOR_MODES = ("none", "sms")


@dataclass(frozen=True)
class DomainSettings:
    """One nexx domain served by the reference server (all share one secret)."""

    id: int
    autoauthorize: bool = False
    twofactor: str = "none"
    ugcrestricted: bool = False


@dataclass(frozen=True)
class Settings:
    domains: tuple[DomainSettings, ...]
    # repr=False: the secret must never reach a log line or a traceback.
    secret: str = field(repr=False)
    eternal_cid: str | None = field(default=None, repr=False)
    db_path: str | None = None
    smtp: tuple[str, int] | None = None
    sms_webhook: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    public_host: str = "localhost"
    session_ttl: int = 86400
    # Argon2 cost; the default is sound, tests may lower it to stay fast.
    password_hash_cost: str = "default"
    # Names of faults and benign variants switched on (nexx_reference.faults); only
    # `nexx-reference --fault/--variant` sets them, for measuring the suite.
    faults: tuple[str, ...] = ()
    # The contract's root document to serve; None: NEXX_CONTRACT, else the package's own.
    contract: str | None = None

    def domain(self, domain_id: int) -> DomainSettings | None:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        return None
