"""What the two proxies of scripts/ (prism_shim.py, drifting_proxy.py) share: the request's
path below the API's base path, as it came, and the headers that may be passed on."""

from __future__ import annotations

BASE_PATH = "/v3.1"
# Headers of one connection, not of the message (RFC 9110, 7.6.1), and those the proxy
# recomputes: a forwarded body may be re-encoded or changed.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "host",
}


def path_below_base(scope: dict) -> str:
    """The raw path without the base path, still percent-encoded (a decoded one may hold
    characters no URL may carry), with the query string as it came."""
    raw = scope["raw_path"].decode("latin-1") if scope.get("raw_path") else scope["path"]
    below = raw[len(BASE_PATH) :] if raw.startswith(BASE_PATH + "/") else raw
    query = scope.get("query_string", b"").decode("latin-1")
    return below + (f"?{query}" if query else "")


def passed_on(headers) -> dict[str, str]:
    """The headers of a request or an answer a proxy passes on."""
    return {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP}
