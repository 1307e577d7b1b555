"""A proxy that makes the reference server drift the way a real nexx system might: every
logged-in user it returns (profile, login, ...) gains the field `loyaltyPoints`, which the
contract does not name. That breaks one guessed constraint (the User object is closed by the
contract's choice) and nothing the page states. Used by scripts/demo-guessed-rules.

    python scripts/lib/drifting_proxy.py PORT UPSTREAM_BASE_URL
"""

from __future__ import annotations

import json
import sys

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "host",
}
BASE_PATH = "/v3.1"


def drifted(body: bytes) -> bytes:
    try:
        envelope = json.loads(body)
    except ValueError:
        return body
    result = envelope.get("result") if isinstance(envelope, dict) else None
    for user in (result, (result or {}).get("user") if isinstance(result, dict) else None):
        if isinstance(user, dict) and "isanonymous" in user:
            user["loyaltyPoints"] = 12
    return json.dumps(envelope).encode()


def make_app(upstream_base: str):
    client = httpx.AsyncClient(timeout=60)

    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        raw = scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        below = raw[len(BASE_PATH) :] if raw.startswith(BASE_PATH + "/") else raw
        query = scope.get("query_string", b"").decode("latin-1")
        url = upstream_base.rstrip("/") + below + (f"?{query}" if query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        answer = await client.request(
            request.method, url, content=await request.body(), headers=headers
        )
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        await Response(drifted(answer.content), status_code=answer.status_code, headers=kept)(
            scope, receive, send
        )

    return app


if __name__ == "__main__":
    port, upstream = sys.argv[1:3]
    uvicorn.run(
        make_app(upstream), host="127.0.0.1", port=int(port), lifespan="off", log_level="warning"
    )
