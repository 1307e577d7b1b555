"""The suite's configuration: one frozen object built from options, environment and defaults."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from nexx_conformance import constants as c


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
class Generation:
    """How the conformance tests generate their cases: the seed and the examples per
    operation. The defaults are the seeded run the cassettes are recorded with."""

    seed: int = c.DEFAULT_SEED
    max_examples: int = c.DEFAULT_MAX_EXAMPLES

    @property
    def is_recorded(self) -> bool:
        """The generation of the recorded run (the cassettes, the pull-request pipeline)."""
        return self == Generation()

    @property
    def stateful_runs(self) -> int:
        """How many runs of the linked sequences (5 each): one per 10 examples. Not one longer
        run: hypothesis wants a replayed prefix of a sequence to draw the same again, which
        the live server's state breaks once one run explores many sequences (at 25, seeds 2
        and 8 stopped with FlakyStrategyDefinition; at 5, 16 seeds of 16 passed)."""
        return max(1, self.max_examples // c.DEFAULT_MAX_EXAMPLES)

    def options(self) -> list[str]:
        """The command-line options that ask for this generation."""
        return ["--seed", str(self.seed), "--max-examples", str(self.max_examples)]


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
    # A failure breaking only rules the contract guessed (contracts/evidence.yaml): warn | fail.
    guessed_rules: str = "fail"
    # The seed and examples per operation of the conformance tests (--seed, --max-examples).
    generation: Generation = field(default_factory=Generation)

    def __repr__(self) -> str:
        return (
            f"NexxConfig(target={self.target!r}, domain_id={self.domain_id}, "
            f"domain_secret={c.MASK!r}, eternal_cid={c.MASK if self.eternal_cid else None!r}, "
            f"mailbox={self.mailbox}, sms_inbox={self.sms_inbox}, "
            f"allow_destructive={self.allow_destructive})"
        )


Getter = Callable[[str], "str | bool | list[str] | None"]


def chosen(given: object, name: str, default=None, environ: Mapping[str, str] = os.environ):
    """The value of option `name` for this run, read in the suite's one order of priority:
    command line (`given`; None or empty when not given) > environment variable
    (constants.ENV[name]; empty counts as unset) > `default`. Every option of the suite,
    the schemathesis CLI hooks' variables and the contract's location are read here."""
    if given is not None and given != "" and given != []:
        return given
    return environ.get(c.ENV[name]) or default


class TargetKind(Protocol):
    """What a kind of target decides when the user does not (nexx_conformance.targets)."""

    allows_destructive: bool
    allows_side_effects: bool
    guessed_rules: str
    plays_recorded_cases: bool

    def base_url_of(self, value: str) -> str: ...
    def domain_secret(self, given: str | None) -> str | None: ...
    def eternal_cid(self, given: str | None) -> str | None: ...
    def extra_domains(self, domain_id: int, environ: Mapping[str, str]) -> dict[str, int]: ...


def resolve(
    option: Getter, kind_of: Callable[[str], TargetKind], environ: Mapping[str, str] = os.environ
) -> NexxConfig:
    """Build the configuration; `option(name)` returns the command-line value or None, and
    `kind_of(target)` the kind of target, whose defaults fill what neither gives."""

    def pick(name: str) -> str | None:
        # The default, where there is one, is the target kind's (applied below).
        value = chosen(option(name), name, environ=environ)
        return None if value is None else str(value)

    target = parse_target(pick("target") or c.TARGET_REFERENCE)
    kind = kind_of(target)
    domain_id = parse_domain_id(pick("domain_id"), c.ENV["domain_id"], c.DEFAULT_DOMAIN_ID)
    secret = kind.domain_secret(pick("domain_secret"))
    if not secret:
        raise ConfigError(
            f"--target {target} needs the domain secret: pass --domain-secret or set "
            f"{c.ENV['domain_secret']}."
        )
    return NexxConfig(
        target=target,
        base_url=kind.base_url_of(target),
        domain_id=domain_id,
        domain_secret=secret,
        eternal_cid=kind.eternal_cid(pick("eternal_cid")),
        mailbox=parse_endpoint(pick("mailbox"), c.MAILBOX_SCHEMES, "--mailbox"),
        sms_inbox=parse_endpoint(pick("sms_inbox"), c.SMS_INBOX_SCHEMES, "--sms-inbox"),
        allow_destructive=parse_flag(
            chosen(option("allow_destructive"), "allow_destructive", environ=environ),
            default=kind.allows_destructive,
        ),
        extra_domains=kind.extra_domains(domain_id, environ),
        allow_side_effects=parse_flag(
            chosen(option("allow_side_effects"), "allow_side_effects", environ=environ),
            default=kind.allows_side_effects,
            name="allow_side_effects",
        ),
        guessed_rules=parse_guessed_rules(
            pick("guessed_rules"),
            default=kind.guessed_rules,
            source=f"--guessed-rules / {c.ENV['guessed_rules']}",
        ),
        generation=parse_generation(pick("seed"), pick("max_examples"), kind),
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


def parse_flag(raw: str | bool | None, *, default: bool, name: str = "allow_destructive") -> bool:
    """A yes/no value as `chosen` gives it (command line or environment), else `default`."""
    if isinstance(raw, bool):
        return raw
    if raw is None or raw == "":
        return default
    word = str(raw).strip().lower()
    if word in c.TRUE_WORDS:
        return True
    if word in c.FALSE_WORDS:
        return False
    raise ConfigError(bad_flag(c.ENV[name], raw))


def bad_flag(variable: str, raw: object) -> str:
    """What a flag variable with a value that is neither yes nor no is told."""
    return (
        f"{variable} must be {c.YES} or {c.NO} (also read: "
        f"{', '.join(w for w in c.TRUE_WORDS + c.FALSE_WORDS if w not in (c.YES, c.NO))}), "
        f"not {raw!r}."
    )


def parse_generation(seed: str | None, max_examples: str | None, kind: TargetKind) -> Generation:
    """The seed and examples per operation given, else the recorded run's; a target that
    plays recorded cases back (a replay) takes no other."""
    generation = Generation(
        seed=parse_whole_number(
            seed, "seed", default=c.DEFAULT_SEED, minimum=0, maximum=c.MAX_SEED, shown="2**128 - 1"
        ),
        max_examples=parse_whole_number(
            max_examples,
            "max_examples",
            default=c.DEFAULT_MAX_EXAMPLES,
            minimum=1,
            maximum=c.MAX_EXAMPLES_LIMIT,
        ),
    )
    if kind.plays_recorded_cases and not generation.is_recorded:
        raise ConfigError(
            f"a replay plays the recorded cases (--seed {c.DEFAULT_SEED} --max-examples "
            f"{c.DEFAULT_MAX_EXAMPLES}): another seed or number of examples needs a live "
            f"target (--target reference, or a URL), never the cassettes: drop --seed and "
            f"--max-examples ({c.ENV['seed']}, {c.ENV['max_examples']})."
        )
    return generation


def parse_whole_number(
    value: str | None, name: str, *, default: int, minimum: int, maximum: int, shown: str = ""
) -> int:
    if value is None or value == "":
        return default
    text = value.strip()
    # ASCII digits only: Python's int() also reads "\u0663" (ARABIC-INDIC DIGIT THREE).
    if not (text.isascii() and text.isdigit()) or not minimum <= int(text) <= maximum:
        option = "--" + name.replace("_", "-")
        raise ConfigError(
            f"{option} / {c.ENV[name]} must be a whole number from {minimum} to "
            f"{shown or maximum}, not {value!r}."
        )
    return int(text)


def parse_guessed_rules(
    value: str | None, *, default: str, source: str = "NEXX_GUESSED_RULES"
) -> str:
    """warn or fail: the value given, else the target kind's default."""
    if value is None or value == "":
        return default
    word = value.strip().lower()
    if word not in c.GUESSED_RULES_MODES:
        raise ConfigError(
            f"{source} must be one of {', '.join(c.GUESSED_RULES_MODES)}, not {value!r}."
        )
    return word
