"""File uploads: prepare -> PUT to the signed URL -> finish, and every way the URL or the
finish is refused (tampered, expired, too large, not arrived, twice, foreign)."""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from nexx_reference.domain import uploads

from .conftest import SECRET, Account, Api
from .media_steps import SUNSET_VIDEO, listed, media_list, register

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


def test_profile_picture_upload(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user)
    assert put(auto_api, ticket["uploadURL"]).status_code == HTTPStatus.CREATED
    assert put(auto_api, ticket["uploadURL"]).status_code == HTTPStatus.OK  # replaced before finishing
    result = finish(auto_api, logged_in_user, file=ticket["file"], context="profilepicture")
    assert result == {"file": ticket["file"], "context": "profilepicture", "item": None, "streamtype": None,
                      "forUserStory": 0}
    assert listed(auto_api, logged_in_user, "uploads") == []
    profile = auto_api.call("GET", "user/profile", logged_in_user.cid).json()["result"]
    assert "background" not in profile
    assert auto_api.http.get(profile["picture"]).status_code == HTTPStatus.OK


def test_captured_video_becomes_a_clip_with_its_title(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user, "VID_0001.mp4", fromCapture=1, forUserStory=1)
    put(auto_api, ticket["uploadURL"], b"\x00\x00\x00\x18ftypmp42")
    result = finish(auto_api, logged_in_user, file=ticket["file"], context="video", mediaTitle="Rowing at dawn",
                    mediaDescription="Filmed from the bridge.", lat=54.3233, lng=10.1228)
    assert (result["streamtype"], result["forUserStory"]) == ("video", 1)
    [clip] = media_list(auto_api, logged_in_user.cid, "clips")["result"]
    general = clip["general"]
    assert (general["ID"], general["title"], general["description"], general["owner"]) == \
        (result["item"], "Rowing at dawn", "Filmed from the bridge.", logged_in_user.user_id)
    assert listed(auto_api, logged_in_user, "uploads", streamtype="video") == [(result["item"], "video")]


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


def test_a_cover_goes_on_the_users_own_item_only(auto_api: Api, logged_in_user: Account) -> None:
    article = auto_api.call("POST", "user/addarticle", logged_in_user.cid, data={"title": "Covered"}).json()["result"]
    ticket = prepare(auto_api, logged_in_user, "cover.png")
    put(auto_api, ticket["uploadURL"])
    finish(auto_api, logged_in_user, HTTPStatus.NOT_FOUND, file=ticket["file"], context="articlecover", item=9999)
    finish(auto_api, logged_in_user, HTTPStatus.FORBIDDEN, file=ticket["file"], context="videocover",
           item=SUNSET_VIDEO[0])
    finish(auto_api, logged_in_user, HTTPStatus.BAD_REQUEST, file=ticket["file"], context="articlecover")
    result = finish(auto_api, logged_in_user, file=ticket["file"], context="articlecover", item=article["ID"])
    assert (result["item"], result["streamtype"]) == (article["ID"], "article")
    [entry] = media_list(auto_api, logged_in_user.cid, "uploads")["result"]
    assert auto_api.http.get(entry["imagedata"]["thumb"]).content == PICTURE


def test_finishing_before_the_bytes_arrived_and_twice_is_409(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user)
    finish(auto_api, logged_in_user, HTTPStatus.CONFLICT, file=ticket["file"], context="image")
    put(auto_api, ticket["uploadURL"])
    finish(auto_api, logged_in_user, file=ticket["file"], context="image")
    finish(auto_api, logged_in_user, HTTPStatus.CONFLICT, file=ticket["file"], context="image")
    assert put(auto_api, ticket["uploadURL"]).status_code == HTTPStatus.CONFLICT
    assert len(listed(auto_api, logged_in_user, "uploads")) == 1


def test_only_the_uploader_finishes_and_unknown_files_are_404(auto_api: Api, logged_in_user: Account) -> None:
    ticket = prepare(auto_api, logged_in_user)
    put(auto_api, ticket["uploadURL"])
    finish(auto_api, register(auto_api), HTTPStatus.FORBIDDEN, file=ticket["file"], context="image")
    finish(auto_api, logged_in_user, HTTPStatus.NOT_FOUND, file="u1-doesnotexist.png", context="image")


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda url: url.replace("sig=", "sig=0"), id="signature-changed"),
    pytest.param(lambda url: url.replace("max=", "max=9"), id="size-limit-raised"),
    pytest.param(lambda url: url.replace("/upload/u", "/upload/x"), id="file-name-changed"),
    pytest.param(lambda url: url.split("?")[0], id="query-dropped"),
])
def test_a_tampered_upload_url_is_403(auto_api: Api, logged_in_user: Account, tamper) -> None:
    ticket = prepare(auto_api, logged_in_user)
    response = put(auto_api, tamper(ticket["uploadURL"]))
    assert response.status_code == HTTPStatus.FORBIDDEN and response.json()["result"] is None
    finish(auto_api, logged_in_user, HTTPStatus.CONFLICT, file=ticket["file"], context="image")


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
