"""File uploads, what only the bundled server can show: its ticket (extension, lifetime,
size limit), an image as its own cover, and URLs re-signed with the server's key (expired,
a small size limit). The flow itself (prepare, PUT, finish, tampered URLs, finishing early,
twice or as another user) is the scenario tests/scenarios/test_uploads.py."""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from nexx_reference.domain import uploads

from .conftest import SECRET, Account, Api
from .media_steps import listed, media_list

PICTURE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def prepare(api: Api, account: Account, name: str = "IMG_2041.png", **fields: Any) -> dict[str, Any]:
    response = api.call("POST", "user/prepareupload", account.cid, data={"file": name, **fields})
    assert response.status_code == HTTPStatus.OK, response.text
    return response.json()["result"]


def put(api: Api, url: str, content: bytes = PICTURE) -> httpx.Response:
    """PUT the bytes to an upload URL: no session headers, the signature is the authorization."""
    response = api.http.put(url, content=content)
    assert response.json()["metadata"]["status"] == response.status_code
    return response


def finish(api: Api, account: Account, expect: int = HTTPStatus.OK, **fields: Any) -> dict[str, Any] | None:
    response = api.call("POST", "user/finishupload", account.cid, data=fields)
    assert response.status_code == expect, response.text
    return response.json()["result"]


def resigned(ticket: dict[str, Any], domain: int, **changes: int) -> str:
    """The ticket's URL with changed values and a valid signature, as only the server could make it."""
    parts = urlsplit(ticket["uploadURL"])
    values = {key: int(value[0]) for key, value in parse_qs(parts.query).items() if key != "sig"} | changes
    sig = uploads.signature(uploads.upload_key(SECRET, domain), ticket["file"], values["user"], values["expires"],
                            values["max"])
    return parts._replace(query=urlencode({**values, "sig": sig})).geturl()


def test_ticket_points_at_this_server_with_the_original_extension(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user, "holiday.JPG")
    assert ticket["file"].endswith(".jpg") and ticket["method"] == "PUT"
    assert ticket["uploadURL"].startswith(f"{auto_api.base_url}/{auto_api.domain}/upload/{ticket['file']}?")
    assert 0 < ticket["expires"] - time.time() <= 15 * 60 and ticket["maxSize"] == 20 * 1024 * 1024


def test_an_image_is_its_own_cover_and_not_a_clip(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user, "boats.png", fromCapture=1)
    put(auto_api, ticket["uploadURL"])
    result = finish(auto_api, logged_in_user, file=ticket["file"], context="image")
    [entry] = media_list(auto_api, logged_in_user.cid, "uploads")["result"]
    assert entry["general"]["title"] == "boats.png"  # the original file name when no mediaTitle is sent
    assert (entry["general"]["ID"], entry["general"]["streamtype"]) == (result["item"], "image")
    served = auto_api.http.get(entry["imagedata"]["thumb"])
    assert (served.status_code, served.content, served.headers["content-type"]) == (200, PICTURE, "image/png")
    assert listed(auto_api, logged_in_user, "clips") == []


def test_an_expired_upload_url_is_403(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user)
    response = put(auto_api, resigned(ticket, auto_api.domain, expires=int(time.time()) - 1))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "expired" in response.json()["metadata"]["errorhint"]


def test_a_file_larger_than_the_limit_is_413(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user)
    small_limit = resigned(ticket, auto_api.domain, max=16)
    assert put(auto_api, small_limit, b"x" * 17).status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert put(auto_api, small_limit, b"x" * 16).status_code == HTTPStatus.CREATED


def test_upload_url_of_an_unknown_domain_is_404(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user)
    response = put(auto_api, ticket["uploadURL"].replace(f"/{auto_api.domain}/upload/", "/99/upload/"))
    assert response.status_code == HTTPStatus.NOT_FOUND
