"""Replay without the HTTP stack below requests: each answer comes straight from the cassette.

In a replay, every request of a generated case (about 12,000) went through requests'
`HTTPAdapter`, urllib3's connection pool and vcrpy's connection stubs. Those build a
connection object per request and mock-patch about a dozen HTTP classes around its
creation (`vcr.patch.force_reset`), only to hand the request to the cassette: a fifth of
the replay's time (benchmarks/README.md, "Speed, issue 12").

`CassetteAdapter` is a requests transport adapter that asks the cassette directly. The
cassette still decides everything, with vcrpy's own objects: the request is the
`vcr.request.Request` vcrpy's stub would build (method, the URI as the stub writes it,
body, headers), looked up with `cassette.can_play_response_for` and played with
`cassette.play_response` (so the scrubber, the matchers, the play counts and the replay
audit see exactly what they saw before; the scrubber runs once per request, not three
times, `filtering_once`), and the answer is vcrpy's response object of the
recorded interaction, turned into a `requests.Response` by requests' own
`build_response`. Nothing is answered that the cassette did not record. A request the
cassette refuses raises vcrpy's `CannotOverwriteExistingCassetteException`, as its stubs
do; one the cassette does not handle (a filtered host) takes the usual way down.

What it relies on of requests, urllib3 and vcrpy is in nexx_conformance.patches
(`vcr_request_uri`, `recorded_response`, `filtering_once`, `sessions_sending_to`);
tests/selftest/recording/test_transport.py compares requests and answers with the stubs'.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from requests.adapters import HTTPAdapter
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from nexx_conformance.patches import (
    filtering_once,
    recorded_response,
    sessions_sending_to,
    vcr_request_uri,
)


class CassetteAdapter(HTTPAdapter):
    """Plays each request from one cassette; what it does not handle goes through urllib3."""

    def __init__(self, cassette) -> None:
        super().__init__()
        self.cassette = cassette

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        if proxies and any(proxies.values()):
            return super().send(request, stream, timeout, verify, cert, proxies)
        recorded = Request(
            method=request.method,
            uri=vcr_request_uri(request.url),
            body=request.body,
            headers=request.headers or {},
        )
        with filtering_once(self.cassette, recorded):
            playable = self.cassette.can_play_response_for(recorded)
            if playable:
                answer = self.cassette.play_response(recorded)
            elif self.cassette.write_protected and self.cassette.filter_request(recorded):
                raise CannotOverwriteExistingCassetteException(
                    cassette=self.cassette, failed_request=recorded
                )
        if not playable:
            return super().send(request, stream, timeout, verify, cert, proxies)
        return self.build_response(request, recorded_response(answer, recorded.uri))


@contextlib.contextmanager
def answering_from(cassette) -> Iterator[CassetteAdapter]:
    """While inside, every requests session sends its HTTP(S) requests to `cassette`."""
    adapter = CassetteAdapter(cassette)
    try:
        with sessions_sending_to(adapter):
            yield adapter
    finally:
        adapter.close()
