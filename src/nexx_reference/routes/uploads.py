"""Routes of uploads: /user/prepareupload and /user/finishupload (contract operations),
and the upload URL itself, `PUT {base}/{domainid}/upload/{file}` (outside the contract:
it is opaque there), whose signature is its only authorization. A finished file is
public at the same address with GET (it is a cover or a profile image).
"""

from __future__ import annotations

import mimetypes
import time
from contextvars import ContextVar
from http import HTTPStatus
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import clock, context, http
from ..context import Call, Services
from ..domain import uploads
from ..envelope import ApiError, Reply, envelope_response, itemupdate
from . import handler

UPLOAD_PATH = "/{domainid}/upload/{file}"

# The API base the client called (e.g. http://127.0.0.1:8080/v3.1): the upload URL must
# point at this same server, whatever port or host name the client reached it by.
_api_base: ContextVar[str | None] = ContextVar("api_base", default=None)


class RememberApiBase:
    """ASGI middleware: keeps the request's API base URL for the handlers of that request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _api_base.set(str(Request(scope).base_url).rstrip("/") + http.API_PREFIX)
        try:
            await self.app(scope, receive, send)
        finally:
            _api_base.reset(token)


def api_base(services: Services) -> str:
    called = _api_base.get()
    return called or f"http://{services.settings.host}:{services.settings.port}{http.API_PREFIX}"


def file_url(services: Services, domain: int, file: str) -> str:
    return f"{api_base(services)}/{domain}/upload/{quote(file)}"


@handler
async def prepareupload(call: Call) -> Reply:
    with call.db.write() as db:
        ticket = uploads.prepare(db, call.domain.id, call.user_id, call.params, clock.now())
    sig = uploads.signature(
        uploads.upload_key(call.settings.secret, call.domain.id),
        ticket.file,
        ticket.user_id,
        ticket.expires,
        ticket.max_size,
    )
    query = urlencode(
        {"user": ticket.user_id, "expires": ticket.expires, "max": ticket.max_size, "sig": sig}
    )
    return Reply(
        {
            "file": ticket.file,
            "uploadURL": f"{file_url(call.services, call.domain.id, ticket.file)}?{query}",
            "method": "PUT",
            "expires": ticket.expires,
            "maxSize": ticket.max_size,
        }
    )


@handler
async def finishupload(call: Call) -> Reply:
    url = file_url(call.services, call.domain.id, call.params["file"])
    with call.db.write() as db:
        finished = uploads.finish(db, call.domain, call.user_id, call.params, url, clock.now())
    return itemupdate(finished)


async def read_limited(request: Request, max_size: int) -> bytes:
    """The body, or 413 as soon as it is larger than the URL allows (before reading it all if declared)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_size:
        raise ApiError(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the file is larger than {max_size} bytes"
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_size:
            raise ApiError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the file is larger than {max_size} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def receive_upload(request: Request) -> Response:
    facts = http.call_facts(request)
    services: Services = request.app.state.services
    try:
        domain = context.resolve_domain(services.settings, request.path_params["domainid"])
        file = request.path_params["file"]
        ticket = uploads.check_upload_url(
            services.settings.secret, domain.id, file, request.query_params, clock.now()
        )
        data = await read_limited(request, ticket.max_size)
        with services.db.write() as db:
            first = uploads.store(db, domain.id, ticket, data, clock.now())
    except ApiError as exc:
        return http.error_response(facts, exc.status, exc.hint, exc.headers)
    status = HTTPStatus.CREATED if first else HTTPStatus.OK
    return envelope_response(
        facts, status, time.perf_counter(), result={"file": file, "size": len(data)}
    )


async def serve_upload(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        domain = context.resolve_domain(services.settings, request.path_params["domainid"])
        with services.db.read() as db:
            row = uploads.finished_file(db, domain.id, request.path_params["file"])
        if row is None:
            raise ApiError(HTTPStatus.NOT_FOUND, "no such finished upload")
    except ApiError as exc:
        return http.error_response(http.call_facts(request), exc.status, exc.hint, exc.headers)
    media_type = mimetypes.guess_type(row["file"])[0] or "application/octet-stream"
    return Response(bytes(row["data"]), media_type=media_type)


def file_routes() -> list[Route]:
    """The upload URL's routes, mounted beside the contract's operations."""
    path = http.API_PREFIX + UPLOAD_PATH
    return [
        Route(path, receive_upload, methods=["PUT"], name="upload"),
        Route(path, serve_upload, methods=["GET"], name="uploaded-file"),
    ]
