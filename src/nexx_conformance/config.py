"""The suite's configuration: one frozen object built from options, environment and defaults."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nexx_conformance import constants as c
from nexx_conformance.guessed_rules import parse_mode


class ConfigError(ValueError):
    """A configuration value the suite cannot run with; the message says which and why."""


@dataclass(frozen=True)
class Endpoint:
    """A parsed channel address such as smtp://127.0.0.1:2525."""

    scheme: str
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


@dataclass(frozen=True)
class NexxConfig:
    """Where the suite runs and with which credentials (secrets masked in repr)."""

    target: str
    base_url: str
    domain_id: int
    domain_secret: str = field(repr=False)
    eternal_cid: str | None = field(repr=False)
    mailbox: Endpoint | None
    sms_inbox: Endpoint | None
    allow_destructive: bool
    extra_domains: Mapping[str, int]
    # Operations that mail or text (x-nexx-side-effects) run on a URL target only when allowed.
    allow_side_effects: bool = True
    # A response breaking only rules the contract guessed (x-nexx-guessed): warn | fail.
    guessed_rules: str = "fail"

    @property
    def is_reference(self) -> bool:
        return self.target == c.TARGET_REFERENCE

    @property
    def is_replay(self) -> bool:
        return self.target == c.TARGET_REPLAY

    @property
    def is_url(self) -> bool:
        return self.target not in c.TARGET_KEYWORDS

    def __repr__(self) -> str:
        return (
            f"NexxConfig(target={self.target!r}, domain_id={self.domain_id}, "
            f"domain_secret={c.MASK!r}, eternal_cid={c.MASK if self.eternal_cid else None!r}, "
            f"mailbox={self.mailbox}, sms_inbox={self.sms_inbox}, "
            f"allow_destructive={self.allow_destructive})"
        )


Getter = Callable[[str], "str | bool | None"]


def resolve(option: Getter, environ: Mapping[str, str] = os.environ) -> NexxConfig:
    """Build the configuration; `option(name)` returns the command-line value or None."""

    def pick(name: str) -> str | None:
        # Priority: command line > environment variable > default (applied by the caller).
        given = option(name)
        if given is not None and given != "":
            return str(given)
        return environ.get(c.ENV[name]) or None

    target = parse_target(pick("target") or c.TARGET_REFERENCE)
    domain_id = parse_domain_id(pick("domain_id"), c.ENV["domain_id"], c.DEFAULT_DOMAIN_ID)
    secret = pick("domain_secret")
    eternal = pick("eternal_cid")
    if target == c.TARGET_REPLAY:
        secret = c.REPLAY_SECRET
        eternal = eternal or "replay-eternal-session"
    elif target == c.TARGET_REFERENCE:
        # The bundled server takes whatever we give it: a fresh secret per run keeps
        # recorded cassettes from ever holding a reusable credential.
        secret = secret or secrets.token_urlsafe(24)
        eternal = eternal or secrets.token_urlsafe(24)
    elif not secret:
        raise ConfigError(
            f"--target {target} needs the domain secret: pass --domain-secret or set "
            f"{c.ENV['domain_secret']}."
        )
    return NexxConfig(
        target=target,
        base_url=base_url_of(target),
        domain_id=domain_id,
        domain_secret=secret,
        eternal_cid=eternal,
        mailbox=parse_endpoint(pick("mailbox"), c.MAILBOX_SCHEMES, "--mailbox"),
        sms_inbox=parse_endpoint(pick("sms_inbox"), c.SMS_INBOX_SCHEMES, "--sms-inbox"),
        allow_destructive=parse_flag(
            option("allow_destructive"),
            environ.get(c.ENV["allow_destructive"]),
            default=target in c.TARGET_KEYWORDS,
        ),
        extra_domains=extra_domains(target, domain_id, environ),
        allow_side_effects=parse_flag(
            option("allow_side_effects"),
            environ.get(c.ENV["allow_side_effects"]),
            default=target in c.TARGET_KEYWORDS,
            name="allow_side_effects",
        ),
        guessed_rules=parse_mode(pick("guessed_rules"), is_url_target=target not in c.TARGET_KEYWORDS,
                                 source=f"--guessed-rules / {c.ENV['guessed_rules']}"),
    )


def parse_target(value: str) -> str:
    if value in c.TARGET_KEYWORDS:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--target must be one of {', '.join(c.TARGET_KEYWORDS)} or an http(s) base URL "
            f"such as https://staging.example.com/v3.1, not {value!r}."
        )
    try:
        _ = parts.port  # urlsplit only checks the port when asked
    except ValueError:
        raise ConfigError(f"--target {value!r} has an invalid port.") from None
    return value.rstrip("/")


def base_url_of(target: str) -> str:
    if target == c.TARGET_REPLAY:
        return c.REPLAY_BASE_URL
    if target == c.TARGET_REFERENCE:
        return ""  # known once the reference server listens
    return target


def parse_domain_id(value: str | None, source: str, default: int | None) -> int:
    if value is None:
        if default is None:
            raise ConfigError(f"{source} is not set.")
        return default
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{source} must be a positive integer, not {value!r}.")
    return int(value)


def parse_endpoint(value: str | None, schemes: tuple[str, ...], option: str) -> Endpoint | None:
    if value is None:
        return None
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in schemes or not parts.hostname or port is None:
        examples = ", ".join(f"{scheme}://127.0.0.1:PORT" for scheme in schemes)
        raise ConfigError(f"{option} must look like {examples}; got {value!r}.")
    return Endpoint(parts.scheme, parts.hostname, port)


def parse_flag(given: str | bool | None, env_value: str | None, *, default: bool,
               name: str = "allow_destructive") -> bool:
    # Priority: command line > environment variable > default (on for reference/replay).
    if isinstance(given, bool):
        return given
    raw = given if given is not None else env_value
    if raw is None or raw == "":
        return default
    word = str(raw).strip().lower()
    if word in c.TRUE_WORDS:
        return True
    if word in c.FALSE_WORDS:
        return False
    raise ConfigError(
        f"{c.ENV[name]} must be one of {c.TRUE_WORDS + c.FALSE_WORDS}, not {raw!r}."
    )


def extra_domains(target: str, domain_id: int, environ: Mapping[str, str]) -> dict[str, int]:
    """The domains with special settings, by purpose; absent purposes skip their tests."""
    if target in c.TARGET_KEYWORDS:
        # The reference server is started with these (see targets.reference_settings);
        # a replay re-plays what was recorded against it.
        return {c.DOMAIN_AUTOAUTHORIZE: domain_id + 1, c.DOMAIN_SMS_2FA: domain_id + 2}
    found = {}
    for purpose, name in ((c.DOMAIN_AUTOAUTHORIZE, c.ENV_DOMAIN_AUTOAUTHORIZE),
                          (c.DOMAIN_SMS_2FA, c.ENV_DOMAIN_SMS_2FA)):
        if environ.get(name):
            found[purpose] = parse_domain_id(environ[name], name, None)
    return found
