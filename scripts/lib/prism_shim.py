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
import re
import sys

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response

BASE_PATH = "/v3.1"
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
}
VIOLATIONS_HEADER = "sl-violations"


def declared(bundle_path: str) -> list[tuple[str, re.Pattern]]:
    """(METHOD, path pattern) of every operation of the contract."""
    import yaml

    with open(bundle_path, encoding="utf-8") as file:
        paths = yaml.safe_load(file)["paths"]
    found = []
    for template, item in paths.items():
        regex = "".join(
            "[^/]+" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", template)
            if part
        )
        found += [
            (method.upper(), re.compile(f"^{regex}/?$"))
            for method in item
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace")
        ]
    return found


def make_app(prism_url: str, upstream_base: str, log_path: str, operations: list):
    client = httpx.AsyncClient(timeout=60)
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - open for the shim's lifetime

    async def forward(request: Request) -> Response:
        # The raw path, still percent-encoded: a decoded one may hold characters (ESC, ...)
        # that no URL may carry.
        path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        below = path[len(BASE_PATH) :] if path.startswith(BASE_PATH + "/") else path
        body = await request.body()
        around_prism = (request.method in ("GET", "HEAD") and bool(body)) or not any(
            method == request.method and pattern.match(below) for method, pattern in operations
        )
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = (upstream_base.rstrip("/") if around_prism else prism_url.rstrip("/")) + below
        url += f"?{query}" if query else ""
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}
        }
        answer = await client.request(request.method, url, content=body, headers=headers)
        if not around_prism:
            prism_failed = is_prism_failure(answer)
            log.write(
                json.dumps(
                    {
                        "method": request.method,
                        "path": below,
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
                direct = upstream_base.rstrip("/") + below + (f"?{query}" if query else "")
                answer = await client.request(request.method, direct, content=body, headers=headers)
        kept = {
            k: v
            for k, v in answer.headers.items()
            if k.lower() not in HOP_BY_HOP and k.lower() != VIOLATIONS_HEADER
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
    app = make_app(prism_url, upstream_base, log_path, declared(bundle_path))
    uvicorn.run(app, host="127.0.0.1", port=int(port), lifespan="off", log_level="warning")


if __name__ == "__main__":
    main()
