"""The HTTP layer: turns a request into a Call, a handler's Reply into the envelope.

Every refusal is an ApiError raised by one of the steps of `context` or by a handler;
anything else is a bug of this server: its traceback goes to the server log and the
client gets a 500 with a generic errorhint (the suite flags every 500).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from http import HTTPStatus
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import context
from .context import Call, Handler, Services
from .contract import Operation
from .envelope import ApiError, CallFacts, envelope_response
from .validation import InputError, validate_request

log = logging.getLogger(__name__)

API_PREFIX = "/v3.1"
MAX_FORM_FIELDS = 1000
INTERNAL_ERROR_HINT = "internal error of the reference server; its log has the details"


def call_facts(
    request: Request, calledfor: str | None = None, started: float | None = None
) -> CallFacts:
    path = request.url.path
    below = path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path
    raw_domain = below.split("/")[1] if below.count("/") >= 1 else ""
    domain_id = context.parse_domain_id(raw_domain)
    return CallFacts(
        verb=request.method,
        # Below the domain id, as a real nexx system echoes it ("/session/init").
        calledwith="/" + below.lstrip("/").partition("/")[2],
        # An unparsable domain id has no number to echo; 0 marks "no domain".
        forclient=domain_id if domain_id is not None else 0,
        calledfor=calledfor,
        started=started if started is not None else time.perf_counter(),
    )


def routes(operation: Operation, handler: Handler, declared: set[tuple[str, str]]) -> list[Route]:
    """The routes of one contract operation: its method, and POST too on a GET operation
    whose path declares no POST.

    yt-dlp POSTs its form to a media operation the docs list as GET (yt_dlp/extractor/
    nexx.py, `_call_api`), and nexx answers such a POST like the GET, with "verb":"POST"
    in its metadata (a captured 2022 answer; docs/conventions.md, Requests). The POST route
    comes second: a 405 takes its Allow header from the first route of the path, so Allow
    keeps naming the contract's methods; POST is tolerated, not advertised.
    """
    handle = endpoint(operation, handler)
    path = API_PREFIX + operation.path
    found = [Route(path, handle, methods=[operation.method], name=operation.operation_id)]
    if operation.method == "GET" and ("POST", operation.path) not in declared:
        found.append(Route(path, handle, methods=["POST"], include_in_schema=False))
    return found


def sent_parameters(query: dict[str, str], form: dict[str, str]) -> dict[str, str]:
    """The parameters of a call, wherever the client put them: nexx's own clients send
    GET parameters in the query and the others in a form body, the Go client (gomnia)
    everything in the query, omniapy everything in a form body, GET included. A name in
    both: the body's value wins, as in PHP's $_REQUEST with its default request_order
    "GP", a decision (docs/conventions.md, Requests, names the sources)."""
    return {**query, **form}


async def read_form(request: Request) -> dict[str, str]:
    """The form fields of the body (first value of each) on any verb, or InputError for
    other bodies."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        try:
            form = await request.form(max_fields=MAX_FORM_FIELDS)
        except HTTPException as exc:
            raise InputError(f"unreadable multipart body: {exc.detail}") from exc
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                raise InputError(f"parameter '{name}': file uploads are not accepted here")
            fields.setdefault(name, value)
        return fields
    body = await request.body()
    if not body:
        return {}
    if content_type not in ("application/x-www-form-urlencoded", ""):
        raise InputError("the request body must be application/x-www-form-urlencoded")
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError("the request body is not a valid UTF-8 form") from exc
    fields = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def echoed_path(operation: Operation, path_values: dict[str, str]) -> str:
    """`metadata.calledwith`: the path called below the domain id, but a secret path
    parameter (its schema is `writeOnly`: a mailed token, a connector token) as its name in
    braces, so no answer echoes it (contract: envelope.yaml#/Metadata)."""
    path = "/" + operation.path.lstrip("/").partition("/")[2]
    for parameter in operation.parameters:
        if (
            parameter.location == "path"
            and parameter.name in path_values
            and not parameter.schema.get("writeOnly")
        ):
            path = path.replace("{" + parameter.name + "}", str(path_values[parameter.name]))
    return path


def endpoint(operation: Operation, handler: Handler):
    """The Starlette endpoint of one contract operation."""

    async def handle(request: Request) -> Response:
        started = time.perf_counter()
        services: Services = request.app.state.services
        query = {name: value for name, value in reversed(request.query_params.multi_items())}
        form_error: InputError | None = None
        try:
            form = await read_form(request)
        except InputError as exc:
            form, form_error = {}, exc
        sent = sent_parameters(query, form)
        facts = replace(
            call_facts(request, calledfor=sent.get("cfo"), started=started),
            calledwith=echoed_path(operation, request.path_params),
        )
        try:
            domain = context.resolve_domain(services.settings, request.path_params["domainid"])
            caller = context.authenticate(services, operation, domain, request.headers)
            if form_error is not None:
                raise form_error
            path_values = {k: v for k, v in request.path_params.items()}
            params = validate_request(operation, path_values, sent)
            context.check_session_kind(operation, caller, params)
            reply = await handler(Call(operation, domain, caller, params, services))
        except InputError as exc:
            return error_response(facts, HTTPStatus.BAD_REQUEST, str(exc))
        except ApiError as exc:
            return error_response(facts, exc.status, exc.hint, exc.headers)
        except Exception:
            log.exception("unexpected error in %s %s", operation.method, operation.path)
            return error_response(facts, HTTPStatus.INTERNAL_SERVER_ERROR, INTERNAL_ERROR_HINT)
        return envelope_response(
            facts,
            reply.status,
            time.perf_counter(),
            result=reply.result,
            paging=reply.paging,
            notice=reply.notice,
        )

    handle.__name__ = operation.operation_id
    return handle


def error_response(
    facts: CallFacts, status: int, hint: str, headers: dict[str, str] | None = None
) -> Response:
    return envelope_response(facts, status, time.perf_counter(), errorhint=hint, headers=headers)


async def not_found(request: Request, exc: Exception) -> Response:
    facts = call_facts(request)
    if isinstance(exc, HTTPException) and exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        allowed = (exc.headers or {}).get("Allow", "")
        return error_response(
            facts,
            HTTPStatus.METHOD_NOT_ALLOWED,
            f"method {request.method} is not allowed here; allowed: {allowed}",
            headers=exc.headers,
        )
    status = exc.status_code if isinstance(exc, HTTPException) else HTTPStatus.NOT_FOUND
    hint = (
        "unknown operation: no such path in the contract"
        if status == HTTPStatus.NOT_FOUND
        else str(exc)
    )
    return error_response(facts, status, hint)


async def internal_error(request: Request, exc: Exception) -> Response:
    log.error("unexpected error outside an operation: %r", exc, exc_info=exc)
    return error_response(
        call_facts(request), HTTPStatus.INTERNAL_SERVER_ERROR, INTERNAL_ERROR_HINT
    )
