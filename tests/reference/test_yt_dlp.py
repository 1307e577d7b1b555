"""A real client of nexx against the reference server: yt-dlp's nexx extractor
(yt_dlp/extractor/nexx.py, PyPI yt-dlp, its own code, not a copy) starts its session.

The extractor hard-codes `https://api.nexx.cloud/v3/{domain}/...` in `_call_api`. It is
pointed at the reference through YoutubeDL's public `urlopen`, the one door every request
of an extractor goes through: `AtTheReference` rewrites that address to the reference
server and hands the request on to yt-dlp's own request handlers, so yt-dlp builds and
sends it itself (its verb, form body, headers). No private function is patched.

yt-dlp calls `/v3/`, the reference serves `/v3.1/` only, as the contract names it. The
test maps one to the other: the captured answers to `/v3/` say `apiversion` "3.1.30", so
nexx serves 3.1 there too (docs/conventions.md, Requests), and a second prefix on the
reference would serve an address the contract does not have and the suite never checks.

The extractor first asks arc.nexx.cloud for the video; here that host is not reachable
(a TransportError, as offline), which the extractor takes as "no video there" and starts
a session. After reading `result.general.cid` it reads `result.device.domaintoken`, the
player's domain data that `addDomainData` asks for and the contract does not cover, so
the extraction stops there: the test checks that it got that far, with the cid of a
session the reference knows.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from yt_dlp import YoutubeDL
from yt_dlp.networking import Request, Response
from yt_dlp.networking.exceptions import TransportError
from yt_dlp.utils import ExtractorError

from nexx_conformance.client import NexxClient
from nexx_conformance.status import CREATED, OK
from nexx_reference.server import RunningServer

from .conftest import MANUAL_DOMAIN

NEXX_API = "https://api.nexx.cloud/v3/"


class AtTheReference(YoutubeDL):
    """yt-dlp whose calls to nexx's API go to the reference server, every other host
    unreachable; it keeps each exchange with the API (request and decoded answer)."""

    def __init__(self, api_base: str) -> None:
        # yt-dlp's urllib handler (its public compat option), not its requests handler: the
        # suite's drift recorder (nexx_conformance.drift.AnswerRecorder) reads the body of
        # every requests answer, and yt-dlp's requests handler streams its answers, so it
        # would find the body already read, empty.
        options = {"compat_opts": ["prefer-legacy-http-handler"]}
        super().__init__({"quiet": True, "no_warnings": True, "cachedir": False, **options})
        self.api_base = api_base.rstrip("/") + "/"
        self.exchanges: list[tuple[Request, int, dict[str, Any]]] = []

    def urlopen(self, req):
        request = Request(req) if isinstance(req, str) else req
        if not request.url.startswith(NEXX_API):
            raise TransportError(f"{request.url}: no network in this test")
        request.url = self.api_base + request.url[len(NEXX_API) :]
        response = super().urlopen(request)
        body = response.read()
        self.exchanges.append((request, response.status, json.loads(body)))
        # The extractor reads the answer again: hand it an unread copy.
        return Response(io.BytesIO(body), response.url, dict(response.headers), response.status)


@pytest.fixture
def yt_dlp(server: RunningServer) -> Iterator[AtTheReference]:
    """yt-dlp pointed at the reference server (its /v3.1 below the API's /v3)."""
    with AtTheReference(server.base_url) as ydl:
        yield ydl


def test_yt_dlp_starts_a_session_and_reads_its_cid(yt_dlp: AtTheReference, api: NexxClient):
    extractor = yt_dlp.get_info_extractor("Nexx")
    with pytest.raises(ExtractorError) as stopped:
        extractor.extract(f"nexx:{MANUAL_DOMAIN}:1")

    [(request, status, answer)] = yt_dlp.exchanges
    assert request.url.endswith(f"/v3.1/{MANUAL_DOMAIN}/session/init")
    assert request.method == "POST" and parse_qs(request.data.decode(), True)["nxp_userh"] == [""]
    assert (status, answer["metadata"]["status"]) == (CREATED, CREATED), answer
    # It read the cid and stopped at the next line, on the domain data the reference lacks.
    assert isinstance(stopped.value.cause, KeyError), stopped.value
    assert stopped.value.cause.args[0] in ("device", "domaintoken"), stopped.value
    cid = answer["result"]["general"]["cid"]
    assert api.session(cid).keepalive().status == OK
