"""The nexx request signature: X-Request-Token = md5(OPERATION + DOMAINID + DOMAINSECRET)."""

from __future__ import annotations

import hashlib

CONTEXTS = ("session", "user", "interactions", "media")
SESSION_HEADER = "X-Request-CID"
TOKEN_HEADER = "X-Request-Token"


def request_token(operation: str, domain_id: int | str, secret: str) -> str:
    return hashlib.md5(f"{operation}{domain_id}{secret}".encode()).hexdigest()


def operation_of(path: str) -> str:
    """The OPERATION of a path: the segment after the context.

    Accepts "user/authorize/abc", "/4711/user/authorize/abc" or a full URL path
    such as "/v3.1/4711/session/init".
    """
    segments = [segment for segment in path.split("?")[0].split("/") if segment]
    for index, segment in enumerate(segments[:-1]):
        if segment in CONTEXTS:
            return segments[index + 1]
    raise ValueError(
        f"{path!r} has no nexx context ({', '.join(CONTEXTS)}) followed by an operation"
    )


def signed_headers(path: str, domain_id: int | str, secret: str, cid: str | None) -> dict[str, str]:
    """The two headers every call but /session/init carries."""
    headers = {TOKEN_HEADER: request_token(operation_of(path), domain_id, secret)}
    if cid is not None:
        headers[SESSION_HEADER] = cid
    return headers
