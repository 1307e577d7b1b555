"""Flow upload: a user uploads a file in three steps. /user/prepareupload hands out a ticket
with a signed upload URL, the bytes go there with PUT, and /user/finishupload says what the
file becomes: the profile picture or background (shown in the profile), a new image or
video with its title, description and geo position (listed in /user/uploads, a captured
video also in /user/clips), or the cover of one of the user's own items. A file is
finished once, after its bytes arrived, by the user who prepared it; an altered or expired
upload URL takes no bytes."""

import pytest

from nexx_conformance.status import BAD_REQUEST, CONFLICT, FORBIDDEN, NOT_FOUND, OK, REFUSED
from nexx_conformance.steps.uploads import BACKGROUND, PICTURE, TAMPERINGS, VIDEO, Position

pytestmark = pytest.mark.flow("upload")

HARBOUR = Position(lat=54.3233, lng=10.1228)
# An item id no target has given to anything of this user (the contract allows up to 2^31-1).
NO_SUCH_ITEM = 2_000_000_000


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_profile_picture_and_background_show_in_the_profile(steps):
    session = steps.logged_in()

    ticket = steps.prepare_upload(session, PICTURE)
    steps.send_file(ticket)
    with steps.step("the bytes may be sent again before finishing"):
        steps.expect(
            steps.put_file(ticket.url, PICTURE.content),
            OK,
            rule="upload URL: a PUT before /finishupload replaces the bytes (200)",
        )
    picture = steps.finish_upload(session, ticket, "profilepicture", position=HARBOUR)
    assert (picture.item, picture.streamtype) == (None, None), (
        f"a profile picture became an item: {picture}"
    )

    background = steps.upload_file(session, BACKGROUND, "profilebackground")
    assert background.item is None, f"a profile background became an item: {background}"

    profile = steps.profile(session)
    assert steps.served_file(profile["picture"]) == PICTURE.content, (
        "the profile picture is not the file sent"
    )
    assert steps.served_file(profile["background"]) == BACKGROUND.content, (
        "the background is not the file sent"
    )
    assert steps.own_items(session) == [], "a profile image is listed in /user/uploads"


def test_image_is_listed_in_uploads_with_its_title_and_description(steps):
    session = steps.logged_in()
    ticket = steps.prepare_upload(session, PICTURE, from_capture=True)
    steps.send_file(ticket)

    image = steps.finish_upload(
        session,
        ticket,
        "image",
        title="Boats at dusk",
        description="Taken from the new pier.",
        position=HARBOUR,
    )

    assert (image.context, image.streamtype, image.file) == ("image", "image", ticket.file), (
        f"finished {image}"
    )
    [listed] = steps.own_items(session)
    assert (listed.id, listed.streamtype, listed.title, listed.description) == (
        image.item,
        "image",
        "Boats at dusk",
        "Taken from the new pier.",
    ), f"/user/uploads lists {listed}"
    assert steps.own_items(session, "clips") == [], "an image taken by camera is listed as a clip"


def test_captured_video_is_a_clip_and_an_upload(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    ticket = steps.prepare_upload(session, VIDEO, from_capture=True)
    steps.send_file(ticket)

    video = steps.finish_upload(
        session,
        ticket,
        "video",
        title="Rowing at dawn",
        description="Filmed from the bridge.",
        position=HARBOUR,
        for_user_story=True,
    )

    assert (video.streamtype, video.for_user_story) == ("video", True), f"finished {video}"
    [clip] = steps.own_items(session, "clips")
    assert (clip.id, clip.title, clip.description, clip.owner) == (
        video.item,
        "Rowing at dawn",
        "Filmed from the bridge.",
        user.user_id,
    ), f"/user/clips lists {clip}"
    listed = steps.own_items(session, streamtype="video")
    assert [item.id for item in listed] == [video.item], (
        f"/user/uploads?streamtype=video lists {listed}"
    )


@pytest.mark.parametrize("streamtype", ["video", "article", "playlist", "collection"])
def test_cover_goes_on_the_users_own_item(steps, streamtype):
    session = steps.logged_in()
    if streamtype == "video":
        item = steps.upload_file(session, VIDEO, "video", title="Without a cover yet").item
    else:
        item = steps.add_item(session, streamtype, f"A {streamtype} without a cover yet").id

    cover = steps.upload_file(session, PICTURE, f"{streamtype}cover", item=item)

    assert (cover.item, cover.streamtype) == (item, streamtype), f"finished {cover}"
    [covered] = [listed for listed in steps.own_items(session) if listed.id == item]
    assert covered.cover, f"/user/uploads shows the {streamtype} without a cover"
    assert steps.served_file(covered.cover) == PICTURE.content, "the cover is not the file sent"


def test_cover_for_a_foreign_unknown_or_unnamed_item_is_refused(steps):
    owner = steps.logged_in()
    foreign = steps.add_item(owner, "article", "Somebody else's article", auto_publish=True)
    session = steps.logged_in()
    ticket = steps.prepare_upload(session, PICTURE)
    steps.send_file(ticket)

    steps.refused(
        steps.request_finish_upload(session, ticket, "articlecover", item=foreign.id),
        statuses=(FORBIDDEN, NOT_FOUND),
        rule="finishupload: a cover for another user's item is refused (403; 404 where it is hidden)",
    )
    steps.refused(
        steps.request_finish_upload(session, ticket, "articlecover", item=NO_SUCH_ITEM),
        statuses=(NOT_FOUND,),
        rule="finishupload: a cover for an unknown item (404)",
    )
    steps.refused(
        steps.request_finish_upload(session, ticket, "articlecover"),
        statuses=(BAD_REQUEST,),
        rule="finishupload: a cover context needs `item` (400)",
    )

    with steps.step("the refused file still becomes the cover of the user's own article"):
        own = steps.add_item(session, "article", "My own article")
        cover = steps.finish_upload(session, ticket, "articlecover", item=own.id)
        assert cover.item == own.id, f"finished {cover}"


def test_finishing_before_the_bytes_arrived_is_refused(steps):
    session = steps.logged_in()
    ticket = steps.prepare_upload(session, PICTURE)

    steps.refused(
        steps.request_finish_upload(session, ticket, "image"),
        statuses=(CONFLICT,),
        rule="finishupload: a file that was not uploaded yet (409)",
    )
    assert steps.own_items(session) == [], "a file finished without its bytes is listed"

    steps.send_file(ticket)
    steps.finish_upload(session, ticket, "image")


def test_finishing_twice_is_refused(steps):
    session = steps.logged_in()
    ticket = steps.prepare_upload(session, PICTURE)
    steps.send_file(ticket)
    steps.finish_upload(session, ticket, "image")

    steps.refused(
        steps.request_finish_upload(session, ticket, "image"),
        statuses=(CONFLICT,),
        rule="finishupload: a file is finished once (409)",
    )
    with steps.step("the upload URL of a finished file takes no more bytes"):
        steps.refused(
            steps.put_file(ticket.url, PICTURE.content),
            statuses=REFUSED,
            rule="upload URL: a finished upload is not replaced",
        )
    assert len(steps.own_items(session)) == 1, "finishing twice listed the file twice"


def test_another_users_file_is_refused(steps):
    owner = steps.logged_in()
    ticket = steps.prepare_upload(owner, PICTURE)
    steps.send_file(ticket)
    stranger = steps.logged_in()

    steps.refused(
        steps.request_finish_upload(stranger, ticket, "image"),
        statuses=(FORBIDDEN,),
        rule="finishupload: a file prepared by another user (403)",
    )
    steps.refused(
        steps.request_finish_upload(stranger, "u1-never-prepared.svg", "image"),
        statuses=(NOT_FOUND,),
        rule="finishupload: an unknown file (404)",
    )
    assert steps.own_items(stranger) == [], (
        "another user's file is listed in the stranger's uploads"
    )

    with steps.step("the owner still finishes the file"):
        steps.finish_upload(owner, ticket, "image")


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_tampered_upload_url_is_refused(steps, tampering):
    session = steps.logged_in()
    ticket = steps.prepare_upload(session, PICTURE)

    with steps.step(f"PUT to the upload URL with its {tampering.replace('-', ' ')}"):
        answer = steps.put_file(steps.tampered_url(ticket, tampering), PICTURE.content)
        steps.refused(
            answer, statuses=(FORBIDDEN,), rule="upload URL: an altered URL is refused (403)"
        )
    steps.refused(
        steps.request_finish_upload(session, ticket, "image"),
        statuses=(CONFLICT,),
        rule="finishupload: the bytes sent to an altered URL did not arrive (409)",
    )


def test_expired_upload_url_is_refused(steps):
    session = steps.logged_in()
    ticket = steps.prepare_upload(session, PICTURE)
    steps.wait_until_url_expired(ticket)

    with steps.step("PUT to the expired upload URL"):
        steps.refused(
            steps.put_file(ticket.url, PICTURE.content),
            statuses=(FORBIDDEN,),
            rule="upload URL: an expired URL is refused (403)",
        )
    steps.refused(
        steps.request_finish_upload(session, ticket, "image"),
        statuses=(CONFLICT,),
        rule="finishupload: the bytes sent to an expired URL did not arrive (409)",
    )


def test_half_a_geo_position_is_refused(steps):
    session = steps.logged_in()
    ticket = steps.prepare_upload(session, PICTURE)
    steps.send_file(ticket)

    for half in (Position(lat=HARBOUR.lat, lng=None), Position(lat=None, lng=HARBOUR.lng)):
        steps.refused(
            steps.request_finish_upload(session, ticket, "image", position=half),
            statuses=(BAD_REQUEST,),
            rule="finishupload: `lat` and `lng` come as a pair (400)",
        )
    steps.finish_upload(session, ticket, "image", position=HARBOUR)
