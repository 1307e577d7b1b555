"""Flow ugc: a user writes an article, or puts together a playlist or a collection
(/user/addarticle, /user/addplaylist, /user/addcollection). The new item belongs to the
user and is listed among their uploads; it is published at once only with autoPublish=1,
and until then nobody else finds it. An item needs a title.

Assumes the main domain does not restrict UGC (with UGC restrictions a domain ignores
autoPublish; the reference server tests that setting in tests/reference/test_ugc.py)."""

import pytest

from nexx_conformance.status import BAD_REQUEST

pytestmark = pytest.mark.flow("ugc")

STREAMTYPES = ["article", "playlist", "collection"]


@pytest.mark.quick  # the flow's main path: in the quick pass
@pytest.mark.parametrize("streamtype", STREAMTYPES)
def test_new_item_is_published_only_with_autopublish(steps, streamtype):
    user = steps.registered_user()
    session = steps.logged_in(user)
    # The username makes each title unique on a shared target, so a search finds only these.
    titles = {
        flag: f"{streamtype} {flag} by {user.username}" for flag in ("default", "draft", "public")
    }

    default = steps.add_item(session, streamtype, titles["default"], teaser="Short.")
    draft = steps.add_item(session, streamtype, titles["draft"], auto_publish=False)
    public = steps.add_item(session, streamtype, titles["public"], auto_publish=True)

    assert {item.streamtype for item in (default, draft, public)} == {streamtype}, (
        "created another streamtype"
    )
    assert (default.published, draft.published, public.published) == (False, False, True), (
        f"isPublished without autoPublish, with 0, with 1: {default.published}, {draft.published}, {public.published}"
    )
    with steps.step("the user's uploads list all three as the user's own"):
        listed = {item.id: item for item in steps.own_items(session, streamtype=streamtype)}
        assert set(listed) == {default.id, draft.id, public.id}, (
            f"/user/uploads lists {sorted(listed)}"
        )
        shown = listed[default.id]
        assert (shown.title, shown.teaser, shown.owner, shown.published) == (
            titles["default"],
            "Short.",
            user.user_id,
            False,
        ), f"/user/uploads shows {shown}"
        assert shown.added == shown.created, (
            "an upload entered the list at another time than it was created"
        )
        assert listed[public.id].published, "/user/uploads shows the autopublished item unpublished"
    with steps.step("a visitor finds the published item only"):
        found = steps.found_by_search(steps.session(), user.username)
        assert found == [public.id], (
            f"a search by a visitor finds {found}, expected only {public.id}"
        )


def test_items_are_listed_among_the_users_uploads_by_streamtype(steps):
    session = steps.logged_in()
    for streamtype, title in (
        ("article", "Beta"),
        ("collection", "Gamma"),
        ("article", "Alpha"),
        ("playlist", "Delta"),
    ):
        steps.add_item(session, streamtype, title)

    articles = steps.own_items(session, streamtype="article", orderBy="title", orderDir="ASC")
    assert [item.title for item in articles] == ["Alpha", "Beta"], (
        f"the user's articles: {articles}"
    )
    everything = steps.own_items(session)
    assert sorted(item.streamtype for item in everything) == [
        "article",
        "article",
        "collection",
        "playlist",
    ], f"/user/uploads lists {everything}"
    stranger = steps.logged_in()
    assert steps.own_items(stranger) == [], (
        "another user's items are listed in a stranger's uploads"
    )


def test_item_without_a_title_is_refused(steps):
    session = steps.logged_in()
    for streamtype in STREAMTYPES:
        for fields in ({}, {"title": "   "}, {"teaser": "A teaser but no title"}):
            steps.refused(
                steps.request_new_item(session, streamtype, **fields),
                statuses=(BAD_REQUEST,),
                rule="add{article,playlist,collection}: `title` is required and not blank (400)",
            )
    steps.refused(
        steps.request_new_item(session, "article", title="Flagged", autoPublish=2),
        statuses=(BAD_REQUEST,),
        rule="addarticle: autoPublish is 0 or 1 (400)",
    )
    assert steps.own_items(session) == [], "a refused item is listed in the user's uploads"
