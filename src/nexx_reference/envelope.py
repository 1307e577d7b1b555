"""The nexx response envelope, on every response: success, refusal or failure."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

# As a real nexx system names its version (a captured answer of 2022 says "3.1.30").
API_VERSION = "3.1.30"


class ApiError(Exception):
    """A refusal the client can act on: becomes `status` with `metadata.errorhint = hint`."""

    def __init__(self, status: int, hint: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(hint)
        self.status = status
        self.hint = hint
        self.headers = headers or {}


@dataclass(frozen=True)
class Reply:
    """What a handler answers: the result, its status and, for paged lists, the paging."""

    result: Any
    status: int = HTTPStatus.OK
    paging: dict[str, int] | None = None
    notice: str | None = None


def itemupdate(details: dict[str, Any], status: int = HTTPStatus.OK) -> Reply:
    """The answer of an operation call (a call that creates, changes or removes something):
    its details in `result.itemupdate`, where nexx's official clients read them
    (contracts/components/schemas.yaml, OperationResult)."""
    return Reply({"itemupdate": details}, status=status)


@dataclass(frozen=True)
class CallFacts:
    """What the metadata echoes about the call itself."""

    verb: str
    calledwith: str  # the path below the domain id, as a real nexx system echoes it
    forclient: int
    calledfor: str | None
    started: float


def envelope_response(
    facts: CallFacts,
    status: int,
    now: float,
    result: Any = None,
    paging: dict[str, int] | None = None,
    errorhint: str | None = None,
    notice: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    metadata: dict[str, Any] = {
        "status": int(status),
        "apiversion": API_VERSION,
        "verb": facts.verb,
        "processingtime": round(max(now - facts.started, 0.0), 6),
        "calledwith": facts.calledwith,
        # A real nexx system names the domain `forclient` and sends no `fromstage`, where
        # the docs list `fordomain` and `fromstage` (contracts/evidence.yaml).
        "forclient": facts.forclient,
    }
    if facts.calledfor is not None:
        metadata["calledfor"] = facts.calledfor
    if notice:
        metadata["notice"] = notice
    body: dict[str, Any] = {"metadata": metadata}
    if errorhint is not None:
        # The docs promise a result on success only: a refusal carries none.
        metadata["errorhint"] = errorhint
    else:
        body["result"] = result
        if paging is not None:
            body["paging"] = paging
    return JSONResponse(body, status_code=int(status), headers=headers)
