"""The routing shim between the suite and Stoplight Prism's validation proxy (scripts/prism-proxy).

    suite --> shim (/v3.1/...) --> prism proxy (/...) --> reference server (/v3.1/...)

Why a shim (docs: /work/shared/verified-notes.md, "Third-party validators"):
  - Prism matches the raw request path against the contract's `/{domainid}/...` and ignores
    the `/v3.1` base path of the server URL: the shim strips it;
  - Prism answers 501 to a GET or HEAD that carries a body (schemathesis' probes of
    undeclared methods send those), and answers a method the contract does not declare for
    a path itself (405, without the nexx envelope): such requests go around Prism, straight
    upstream, so the suite still checks the server's own answer.
Every answer Prism validated carries its findings in the `sl-violations` header; the shim
appends one JSON line per exchange to the log file (operation path, status, the response
violations), which scripts/prism-proxy sums up. The header is dropped before the suite sees
the answer, as Prism is no part of the API.

    python scripts/lib/prism_shim.py PORT PRISM_URL UPSTREAM_BASE_URL LOG_FILE BUNDLE
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import uvicorn
from forwarding import passed_on, path_below_base
from starlette.requests import Request
from starlette.responses import Response

from nexx_conformance.contract import of_document, operation_at, parsed

VIOLATIONS_HEADER = "sl-violations"


def make_app(prism_url: str, upstream_base: str, log_path: str, operations: list):
    client = httpx.AsyncClient(timeout=60)
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - open for the shim's lifetime

    async def forward(request: Request) -> Response:
        below = path_below_base(request.scope)
        path = below.partition("?")[0]
        body = await request.body()
        around_prism = (request.method in ("GET", "HEAD") and bool(body)) or not operation_at(
            operations, request.method, path
        )
        url = (upstream_base if around_prism else prism_url).rstrip("/") + below
        headers = passed_on(request.headers)
        answer = await client.request(request.method, url, content=body, headers=headers)
        if not around_prism:
            prism_failed = is_prism_failure(answer)
            log.write(
                json.dumps(
                    {
                        "method": request.method,
                        "path": path,
                        "status": answer.status_code,
                        "prism_failed": prism_failed,
                        "violations": response_violations(answer.headers.get(VIOLATIONS_HEADER)),
                    }
                )
                + "\n"
            )
            log.flush()
            if prism_failed:
                # Prism broke on the request itself (seen: a path with control characters):
                # the suite gets the server's answer, the summary counts the exchange apart.
                direct = upstream_base.rstrip("/") + below
                answer = await client.request(request.method, direct, content=body, headers=headers)
        kept = {
            k: v for k, v in passed_on(answer.headers).items() if k.lower() != VIOLATIONS_HEADER
        }
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    async def app(scope, receive, send) -> None:
        # A plain ASGI app, not a router: every method (schemathesis also probes QUERY and
        # other unknown ones) is forwarded as it came.
        if scope["type"] != "http":
            return
        response = await forward(Request(scope, receive))
        await response(scope, receive, send)

    return app


def is_prism_failure(answer: httpx.Response) -> bool:
    """A 5xx Prism made itself: the reference server answers every error in the nexx envelope."""
    if answer.status_code < 500:
        return False
    try:
        return "metadata" not in answer.json()
    except ValueError:
        return True


def response_violations(header: str | None) -> list[dict]:
    """The findings about the response (Prism reports request findings alike; a negative case
    means to send a bad request, so those are not counted)."""
    if not header:
        return []
    try:
        found = json.loads(header)
    except ValueError:
        return [
            {
                "message": f"unreadable sl-violations header: {header[:200]}",
                "location": ["response"],
            }
        ]
    return [item for item in found if (item.get("location") or [""])[0] == "response"]


def main() -> None:
    port, prism_url, upstream_base, log_path, bundle_path = sys.argv[1:6]
    # The contract's operations, as the suite's coverage reads them: a request for none of
    # them goes around Prism.
    operations = of_document(parsed(Path(bundle_path))).operations
    app = make_app(prism_url, upstream_base, log_path, operations)
    uvicorn.run(app, host="127.0.0.1", port=int(port), lifespan="off", log_level="warning")


if __name__ == "__main__":
    main()
