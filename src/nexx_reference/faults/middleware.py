"""ASGI middleware: makes an app's faults and variants active for each of its requests,
and lets the rewrites among them change each answer before it goes out."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .entry import Entry
from .exchange import Exchange
from .switches import reset, using


class FaultMiddleware:
    def __init__(self, app: ASGIApp, entries: Sequence[Entry]) -> None:
        self.app = app
        self.names = frozenset(entry.name for entry in entries)
        self.rewrites = [entry.rewrite for entry in entries if entry.rewrite is not None]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = using(self.names)
        try:
            if self.rewrites:
                await self._rewritten(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        finally:
            reset(token)

    async def _rewritten(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_body = bytearray()
        start: Message = {}
        body = bytearray()

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request_body.extend(message.get("body", b""))
            return message

        async def buffering_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, recording_receive, buffering_send)
        exchange = Exchange(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            request_body=bytes(request_body),
            status=start["status"],
            request_headers={
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            },
            headers=[
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])
            ],
            body=bytes(body),
        )
        for rewrite in self.rewrites:
            rewrite(exchange)
        payload = exchange.final_body()
        if exchange.method != "HEAD":  # a HEAD answer declares the length of the GET's body
            exchange.set_header("content-length", str(len(payload)))
        if exchange.delay:
            await asyncio.sleep(exchange.delay)
        await send(
            {
                "type": "http.response.start",
                "status": exchange.status,
                "headers": [
                    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in exchange.headers
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
