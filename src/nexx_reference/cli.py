"""`nexx-reference`: serve the reference implementation of the contract.

Every setting comes from the command line; the secret and the eternal session id may
instead come from the environment, so they need not appear in a process list.
Bad configuration is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

from . import faults
from .contract import ContractError
from .passwords import COSTS
from .server import ServerError, base_url, bind_socket, uvicorn_server
from .settings import TWOFACTOR_MODES, DomainSettings, Settings

EXIT_BAD_CONFIGURATION = 2
FLAG_VALUES = {"0": False, "1": True}
DEFAULT_DOMAIN_ID = "4711"  # the suite's default domain (nexx_conformance.constants)
DOMAIN_KEYS = {
    "autoauthorize": "0|1",
    "twofactor": "|".join(TWOFACTOR_MODES),
    "ugcrestricted": "0|1",
}


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message says which and what is allowed."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: the message already names the option.
        self.exit(EXIT_BAD_CONFIGURATION, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nexx-reference", description="Reference server of the nexx User endpoint contract."
    )
    group = parser.add_argument_group("server")
    group.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    group.add_argument(
        "--port", type=int, default=8080, help="port to listen on (default 8080, 0 = any free port)"
    )
    group.add_argument(
        "--domain-id",
        action="append",
        default=[],
        metavar="ID[:key=value,...]",
        help="a domain to serve, repeatable (default: NEXX_DOMAIN_ID or 4711); keys: "
        + ", ".join(f"{k}={v}" for k, v in DOMAIN_KEYS.items()),
    )
    group.add_argument(
        "--domain-secret", help="the secret all domains share (or NEXX_DOMAIN_SECRET)"
    )
    group.add_argument(
        "--eternal-cid", help="the eternal (backend) session id (or NEXX_ETERNAL_CID)"
    )
    group.add_argument(
        "--db", metavar="PATH", help="SQLite database file (default: a temporary file)"
    )
    group.add_argument(
        "--smtp", metavar="HOST:PORT", help="SMTP server for outgoing mail (default: none)"
    )
    group.add_argument(
        "--sms-webhook",
        metavar="URL",
        help="URL that receives outgoing SMS as JSON (default: none)",
    )
    group.add_argument(
        "--public-host",
        default="localhost",
        help="host name used in mailed links (default localhost)",
    )
    group.add_argument(
        "--session-ttl", type=int, default=86400, help="seconds a session lives without keepalive"
    )
    measuring = parser.add_argument_group(
        "measuring the suite (docs/faults.md); never on a server people rely on"
    )
    measuring.add_argument(
        "--password-hash-cost",
        choices=sorted(COSTS),
        default="default",
        help="argon2 cost of stored passwords (default: default, RFC 9106 low "
        "memory); cheapest makes a run of the whole suite minutes faster",
    )
    measuring.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a catalogued fault, repeatable",
    )
    measuring.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a benign variant, repeatable",
    )
    measuring.add_argument(
        "--list-faults",
        action="store_true",
        help="print the fault catalogue and the variants as JSON and exit",
    )
    return parser


def parse_domain(spec: str) -> DomainSettings:
    raw_id, _, raw_options = spec.partition(":")
    if not (raw_id.isascii() and raw_id.isdigit() and 1 <= int(raw_id) <= 2147483647):
        raise ConfigurationError(
            f"--domain-id {spec!r}: the id must be an integer from 1 to 2147483647"
        )
    options: dict[str, object] = {}
    for pair in filter(None, raw_options.split(",")):
        key, sep, value = pair.partition("=")
        if not sep or key not in DOMAIN_KEYS:
            allowed = ", ".join(f"{k}={v}" for k, v in DOMAIN_KEYS.items())
            raise ConfigurationError(f"--domain-id {spec!r}: {pair!r} is not one of {allowed}")
        if key == "twofactor":
            if value not in TWOFACTOR_MODES:
                raise ConfigurationError(
                    f"--domain-id {spec!r}: twofactor must be one of {DOMAIN_KEYS[key]}"
                )
            options[key] = value
        elif value in FLAG_VALUES:
            options[key] = FLAG_VALUES[value]
        else:
            raise ConfigurationError(f"--domain-id {spec!r}: {key} must be 0 or 1")
    return DomainSettings(id=int(raw_id), **options)  # type: ignore[arg-type]


def parse_smtp(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigurationError(f"--smtp {value!r}: expected HOST:PORT, e.g. 127.0.0.1:1025")
    return host.strip("[]"), int(port)


def settings_from(args: argparse.Namespace, environ: dict[str, str]) -> Settings:
    # Priority: command line > environment > default (none: a secret has no default).
    secret = args.domain_secret or environ.get("NEXX_DOMAIN_SECRET")
    if not secret:
        raise ConfigurationError("no domain secret: pass --domain-secret or set NEXX_DOMAIN_SECRET")
    eternal_cid = args.eternal_cid or environ.get("NEXX_ETERNAL_CID") or None
    # Without --domain-id: the one domain the suite tests by default (NEXX_DOMAIN_ID or 4711),
    # so `nexx-reference` and `pytest --target URL` agree with no option given.
    specs = args.domain_id or [environ.get("NEXX_DOMAIN_ID") or DEFAULT_DOMAIN_ID]
    domains = tuple(parse_domain(spec) for spec in specs)
    ids = [d.id for d in domains]
    if len(set(ids)) != len(ids):
        raise ConfigurationError("--domain-id: each domain id may be given only once")
    if args.sms_webhook and not args.sms_webhook.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"--sms-webhook {args.sms_webhook!r}: expected an http:// or https:// URL"
        )
    if not 0 <= args.port <= 65535:
        raise ConfigurationError(f"--port {args.port}: must be from 0 to 65535")
    if args.session_ttl < 1:
        raise ConfigurationError("--session-ttl must be at least 1 second")
    switched_on = (
        *chosen(args.fault, faults.CATALOGUE, "--fault"),
        *chosen(args.variant, faults.VARIANT_CATALOGUE, "--variant"),
    )
    return Settings(
        domains=domains,
        secret=secret,
        eternal_cid=eternal_cid,
        db_path=args.db,
        smtp=parse_smtp(args.smtp) if args.smtp else None,
        sms_webhook=args.sms_webhook,
        password_hash_cost=args.password_hash_cost,
        host=args.host,
        port=args.port,
        public_host=args.public_host,
        session_ttl=args.session_ttl,
        faults=switched_on,
    )


def chosen(names: list[str], catalogue: dict, option: str) -> tuple[str, ...]:
    """The names asked for, each checked against its catalogue.

    Only the command line switches faults on, never the environment: an exported variable
    must not turn the server that records the cassettes into a broken one.
    """
    for name in names:
        if name not in catalogue:
            raise ConfigurationError(
                f"{option} {name!r}: no such entry; `nexx-reference --list-faults` lists them"
            )
    return tuple(dict.fromkeys(names))


def catalogue_json() -> str:
    """Every fault and variant as the kill matrix reads them."""

    def described(entry: faults.Entry) -> dict[str, object]:
        return {
            "name": entry.name,
            "kind": entry.kind,
            "description": entry.description,
            "killer": entry.killer,
            "mechanism": entry.mechanism,
            "breaks_guesses": entry.breaks_guesses,
        }

    return json.dumps(
        {
            "kinds": faults.KINDS,
            "faults": [described(entry) for entry in faults.CATALOGUE.values()],
            "variants": [described(entry) for entry in faults.VARIANT_CATALOGUE.values()],
        },
        indent=2,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_faults:
        print(catalogue_json())
        return 0
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from(args, dict(os.environ))
        sock = bind_socket(settings.host, settings.port)
        try:
            server = uvicorn_server(settings)
        except BaseException:
            sock.close()
            raise
    except (ConfigurationError, ServerError, ContractError) as exc:
        print(f"nexx-reference: error: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIGURATION
    except sqlite3.Error as exc:
        print(
            f"nexx-reference: error: database {args.db or '(temporary)'} unusable: {exc}",
            file=sys.stderr,
        )
        return EXIT_BAD_CONFIGURATION
    if settings.faults:
        # On stderr, before the URL: nobody should take this server for a correct one.
        print(
            f"nexx-reference: measuring the suite: switched on {', '.join(settings.faults)}",
            file=sys.stderr,
        )
    print(base_url(settings.host, sock.getsockname()[1]), flush=True)
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
