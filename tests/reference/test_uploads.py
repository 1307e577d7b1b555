"""File uploads, what only the bundled server can show: its ticket (extension, lifetime,
size limit), an image as its own cover, and URLs re-signed with the server's key (expired,
a small size limit). The flow itself (prepare, PUT, finish, tampered URLs, finishing early,
twice or as another user) is the scenario tests/scenarios/test_uploads.py."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from nexx_conformance.client import NexxClient
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import CREATED, FORBIDDEN, NOT_FOUND, OK, PAYLOAD_TOO_LARGE
from nexx_reference.domain import uploads

from .conftest import SECRET, Account
from .media_steps import listed, media_list

PICTURE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def prepare(account: Account, name: str = "IMG_2041.png", **fields: Any) -> dict[str, Any]:
    answer = account.session.post("user/prepareupload", file=name, **fields)
    assert answer.status == OK, answer.describe()
    return answer.fields


def put(api: NexxClient, url: str, content: bytes = PICTURE) -> ApiResponse:
    """PUT the bytes to an upload URL: no session headers, the signature is the authorization."""
    answer = api.transfer("PUT", url, content)
    assert answer.metadata["status"] == answer.status
    return answer


def finish(account: Account, expect: int = OK, **fields: Any) -> dict[str, Any] | None:
    answer = account.session.post("user/finishupload", **fields)
    assert answer.status == expect, answer.describe()
    return answer.fields if answer.ok else None


def resigned(ticket: dict[str, Any], domain: int, **changes: int) -> str:
    """The ticket's URL with changed values and a valid signature, as only the server could make it."""
    parts = urlsplit(ticket["uploadURL"])
    values = {
        key: int(value[0]) for key, value in parse_qs(parts.query).items() if key != "sig"
    } | changes
    sig = uploads.signature(
        uploads.upload_key(SECRET, domain),
        ticket["file"],
        values["user"],
        values["expires"],
        values["max"],
    )
    return parts._replace(query=urlencode({**values, "sig": sig})).geturl()


def test_ticket_points_at_this_server_with_the_original_extension(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    ticket = prepare(logged_in_user, "holiday.JPG")
    assert ticket["file"].endswith(".jpg") and ticket["method"] == "PUT"
    assert ticket["uploadURL"].startswith(
        f"{auto_api.base_url}/{auto_api.domain_id}/upload/{ticket['file']}?"
    )
    assert 0 < ticket["expires"] - time.time() <= 15 * 60 and ticket["maxSize"] == 20 * 1024 * 1024


def test_an_image_is_its_own_cover_and_not_a_clip(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    ticket = prepare(logged_in_user, "boats.png", fromCapture=1)
    put(auto_api, ticket["uploadURL"])
    result = finish(logged_in_user, file=ticket["file"], context="image")
    [entry] = media_list(logged_in_user.session, "uploads").result
    assert (
        entry["general"]["title"] == "boats.png"
    )  # the original file name when no mediaTitle is sent
    assert (entry["general"]["ID"], entry["general"]["streamtype"]) == (result["item"], "image")
    # Raw httpx: the suite client reads answers as text envelopes, the thumbnail is bytes.
    served = httpx.get(entry["imagedata"]["thumb"])
    assert (served.status_code, served.content, served.headers["content-type"]) == (
        OK,
        PICTURE,
        "image/png",
    )
    assert listed(logged_in_user, "clips") == []


def test_an_expired_upload_url_is_403(auto_api: NexxClient, logged_in_user: Account) -> None:
    ticket = prepare(logged_in_user)
    answer = put(auto_api, resigned(ticket, auto_api.domain_id, expires=int(time.time()) - 1))
    assert answer.status == FORBIDDEN
    assert "expired" in answer.errorhint


def test_a_file_larger_than_the_limit_is_413(auto_api: NexxClient, logged_in_user: Account) -> None:
    ticket = prepare(logged_in_user)
    small_limit = resigned(ticket, auto_api.domain_id, max=16)
    assert put(auto_api, small_limit, b"x" * 17).status == PAYLOAD_TOO_LARGE
    assert put(auto_api, small_limit, b"x" * 16).status == CREATED


def test_upload_url_of_an_unknown_domain_is_404(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    ticket = prepare(logged_in_user)
    answer = put(
        auto_api, ticket["uploadURL"].replace(f"/{auto_api.domain_id}/upload/", "/99/upload/")
    )
    assert answer.status == NOT_FOUND
