"""Replay without the HTTP stack below requests: each answer comes straight from the cassette.

In a replay, every request of a generated case (about 12,000) went through requests'
`HTTPAdapter`, urllib3's connection pool and vcrpy's connection stubs. Those build a
connection object per request and mock-patch about a dozen HTTP classes around its
creation (`vcr.patch.force_reset`), only to hand the request to the cassette: a fifth of
the replay's time (benchmarks/README.md, "Replay transport").

`CassetteAdapter` is a requests transport adapter that asks the cassette directly. The
cassette still decides everything, with vcrpy's own objects: the request is the
`vcr.request.Request` vcrpy's stub would build (method, the URI as the stub writes it,
body, headers), looked up with `cassette.can_play_response_for` and played with
`cassette.play_response` (so the scrubber, the matchers, the play counts and the replay
audit see exactly what they saw before), and the answer is vcrpy's `VCRHTTPResponse` of
the recorded interaction, turned into a `requests.Response` by requests' own
`build_response`. Nothing is answered that the cassette did not record. A request the
cassette refuses raises vcrpy's `CannotOverwriteExistingCassetteException`, as its stubs
do; one the cassette does not handle (a filtered host) takes the usual way down.

Written against requests 2.34, urllib3 2.8 and vcrpy 9.4 (private: `urllib3.util.url.
_encode_target`, which urllib3 applies to the request target before vcrpy's stub sees it;
`vcr.stubs.VCRHTTPResponse`); tests/selftest/test_replay_transport.py compares the
requests and answers with those of the stubs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPHeaderDict
from urllib3.util.url import _encode_target, parse_url
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request
from vcr.stubs import VCRHTTPResponse

DEFAULT_PORTS = {"http": 80, "https": 443}


def recorded_form(prepared: requests.PreparedRequest) -> Request:
    """The request as vcrpy's connection stub records it: `scheme://host[:port]` (the port
    only when not the scheme's default) and the target as urllib3 encodes it."""
    url = parse_url(prepared.url)
    port = f":{url.port}" if url.port and url.port != DEFAULT_PORTS.get(url.scheme) else ""
    target = _encode_target(url.request_uri)
    return Request(method=prepared.method, uri=f"{url.scheme}://{url.host}{port}{target}",
                   body=prepared.body, headers=prepared.headers or {})


class CassetteAdapter(HTTPAdapter):
    """Plays each request from one cassette; what it does not handle goes through urllib3."""

    def __init__(self, cassette) -> None:
        super().__init__()
        self.cassette = cassette

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        if proxies and any(proxies.values()):
            return super().send(request, stream, timeout, verify, cert, proxies)
        recorded = recorded_form(request)
        if not self.cassette.can_play_response_for(recorded):
            if self.cassette.write_protected and self.cassette.filter_request(recorded):
                raise CannotOverwriteExistingCassetteException(cassette=self.cassette,
                                                               failed_request=recorded)
            return super().send(request, stream, timeout, verify, cert, proxies)
        raw = VCRHTTPResponse(self.cassette.play_response(recorded), recorded.uri)
        # As vcrpy's urllib3 stub hands it on (vcr.stubs.urllib3_stubs).
        raw.headers = HTTPHeaderDict(raw.getheaders())
        return self.build_response(request, raw)


@contextlib.contextmanager
def answering_from(cassette) -> Iterator[CassetteAdapter]:
    """While inside, every requests session sends its HTTP(S) requests to `cassette`."""
    adapter = CassetteAdapter(cassette)
    original = requests.Session.get_adapter

    def get_adapter(session, url):
        if url.lower().startswith(("http://", "https://")):
            return adapter
        return original(session, url)

    requests.Session.get_adapter = get_adapter
    try:
        yield adapter
    finally:
        requests.Session.get_adapter = original
        adapter.close()
