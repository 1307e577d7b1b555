"""SCHEMATHESIS_HOOKS=nexx_conformance.schemathesis_hooks: sign and authenticate CLI runs.

    NEXX_DOMAIN_ID=4711 NEXX_DOMAIN_SECRET=... [NEXX_DOMAIN_ID_AUTOAUTHORIZE=4712] \\
    SCHEMATHESIS_HOOKS=nexx_conformance.schemathesis_hooks \\
    uv run schemathesis run contracts/nexx-user.openapi.yaml --url http://127.0.0.1:8080/v3.1

The sessions come from a SessionBroker (nexx_conformance.schemathesis_auth.CliAuth); the
users it registers (on the AutoAuthorize domain) are unregistered when the run ends. Cases
whose values schemathesis' generator and the contract read differently are dropped
(keeps_its_meaning), and responses are checked with the contract's regex dialect
(patches.ecma_response_patterns), as in the pytest suite.
"""

from __future__ import annotations

import atexit
import sys

import schemathesis

from nexx_conformance.config import ConfigError
from nexx_conformance.patches import ecma_response_patterns
from nexx_conformance.schemathesis_auth import (
    CliAuth,
    cache_key,
    from_environment,
    keeps_its_meaning,
    leaves_post_on_get_unjudged,
)


# schemathesis makes the one instance when the class is registered, as this module loads.
@schemathesis.auth(cache_by_key=cache_key, refresh_interval=600)
class NexxAuth(CliAuth):
    """Session per kind, signature per case (see nexx_conformance.sessions)."""

    def __init__(self) -> None:
        try:
            super().__init__(from_environment())
        except ConfigError as error:
            raise SystemExit(f"nexx_conformance.schemathesis_hooks: {error}") from None
        atexit.register(self.report_leftovers)

    def report_leftovers(self) -> None:
        leftovers = self.remove_users()
        if leftovers:
            print(
                f"nexx: could not unregister schemathesis users: {', '.join(leftovers)}",
                file=sys.stderr,
            )


schemathesis.hook("filter_case")(keeps_its_meaning)
schemathesis.hook("filter_case")(leaves_post_on_get_unjudged)
# Responses judged by the contract's regex dialect, ECMA-262, as in the pytest suite.
ecma_response_patterns()
