"""SCHEMATHESIS_HOOKS=nexx_conformance.schemathesis_hooks: sign and authenticate CLI runs.

    NEXX_DOMAIN_ID=4711 NEXX_DOMAIN_SECRET=... [NEXX_DOMAIN_ID_AUTOAUTHORIZE=4712] \\
    SCHEMATHESIS_HOOKS=nexx_conformance.schemathesis_hooks \\
    uv run schemathesis run contracts/nexx-user.openapi.yaml --url http://127.0.0.1:8080/v3.1

The users the hooks register (on the AutoAuthorize domain) are unregistered when the run ends.
"""

from __future__ import annotations

import atexit
import sys

import schemathesis

from nexx_conformance.config import ConfigError
from nexx_conformance.schemathesis_auth import (
    SchemathesisAuthProvider,
    cache_key,
    from_environment,
    keeps_its_meaning,
)

try:
    _auth = from_environment()
except ConfigError as error:
    raise SystemExit(f"nexx_conformance.schemathesis_hooks: {error}") from None


@schemathesis.auth(cache_by_key=cache_key(_auth), refresh_interval=600)
class NexxAuth(SchemathesisAuthProvider):
    """Session per kind, signature per case (see nexx_conformance.schemathesis_auth)."""

    def __init__(self) -> None:
        super().__init__(_auth)


schemathesis.hook("filter_case")(keeps_its_meaning)


@atexit.register
def _remove_users() -> None:
    leftovers = _auth.remove_users()
    if leftovers:
        print(f"nexx: could not unregister schemathesis users: {', '.join(leftovers)}",
              file=sys.stderr)
