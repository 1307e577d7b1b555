"""The contract check every scenario answer passes (nexx_conformance.contract_check)."""

from __future__ import annotations

import gzip
import json

import httpx

from nexx_conformance.contract_check import ContractCheck
from nexx_conformance.envelope import ApiResponse

BASE_URL = "https://staging.example/v3.1"
INIT = {
    "metadata": {
        "status": 201,
        "apiversion": "3.1",
        "verb": "POST",
        "processingtime": 0.001,
        "calledwith": "/4711/session/init",
        "fordomain": 4711,
        "fromstage": 1,
    },
    "result": {
        "general": {"cid": "c" * 43, "isNewSession": 1, "persistent": 0, "expires": 1764000000},
        "device": {"hash": "d" * 32},
        "loginstate": "anonymous",
        "user": None,
    },
}


def gzipped_init_answer() -> ApiResponse:
    """A session/init answer as a server behind a gzipping proxy sends it (found by the gzip variant)."""

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            201,
            content=gzip.compress(json.dumps(INIT).encode()),
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )

    with httpx.Client(transport=httpx.MockTransport(serve)) as client:
        return ApiResponse.from_httpx(client.post(f"{BASE_URL}/4711/session/init"))


def test_a_gzipped_answer_is_checked_once_decoded() -> None:
    assert ContractCheck(BASE_URL).problems(gzipped_init_answer()) == []
