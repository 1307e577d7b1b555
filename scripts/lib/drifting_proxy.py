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
from forwarding import passed_on, path_below_base
from starlette.requests import Request
from starlette.responses import Response


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
        answer = await client.request(
            request.method,
            upstream_base.rstrip("/") + path_below_base(scope),
            content=await request.body(),
            headers=passed_on(request.headers),
        )
        drifting = Response(
            drifted(answer.content),
            status_code=answer.status_code,
            headers=passed_on(answer.headers),
        )
        await drifting(scope, receive, send)

    return app


if __name__ == "__main__":
    port, upstream = sys.argv[1:3]
    uvicorn.run(
        make_app(upstream), host="127.0.0.1", port=int(port), lifespan="off", log_level="warning"
    )
