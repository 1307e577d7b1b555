"""Flow media-lists: a user's interactions with media items fill favourites, watchlist,
likes, ratings, comments, cart, items in interest, history, events, teams, purchased items
and the search history; every list returns the user's items and no other user's, and
honours its filters (streamtype, excludeCompleted, excludeExpired), the flat data level,
paging and ordering; historyformerge gives the watched ids; only the eternal (backend)
session may read the lists of a user it names with forUserID.

The items are the target's: found with /media/byquery, never assumed."""

from itertools import cycle

import pytest

from nexx_conformance.envelope import Paging
from nexx_conformance.status import BAD_REQUEST, FORBIDDEN, NOT_FOUND
from nexx_conformance.steps.media_lists import (
    FILLERS,
    LISTS,
    PAGED_LISTS,
    SEARCH_TERMS,
    STREAMTYPE_FILTERED,
    MediaItem,
    keys,
)

pytestmark = pytest.mark.flow("media-lists")

REMOVABLE = [name for name, filler in FILLERS.items() if filler.remove]
# An id no catalogue gives out (the largest the contract allows).
UNKNOWN_ID = 2147483647


def filled_user(steps, names=tuple(FILLERS), count=3):
    """A logged-in user with `count` items in each of the named lists; the session and what was added."""
    session = steps.logged_in()
    with steps.step(f"fill {', '.join(names)} with their interactions"):
        added = steps.fill_lists(session, {name: steps.items_for(name, count) for name in names})
    return session, added


def honours_flat_level_paging_and_order(steps, session, name):
    """The list gives flat items on request, pages with start and limit, and orders by
    title and by ID."""
    whole = steps.read_list(session, name, orderBy="title", orderDir="ASC")
    count = len(whole.items)
    titles = [entry.title.casefold() for entry in whole.items]
    assert titles == sorted(titles), f"{name}: orderBy=title gave {titles}"

    flat = steps.read_list(session, name, orderBy="title", orderDir="ASC", mediaDataLevel="flat")
    assert all(entry.flat for entry in flat.items), f"{name}: mediaDataLevel=flat gave full items"
    assert [(e.key, e.title) for e in flat.items] == [(e.key, e.title) for e in whole.items], (
        f"{name}: flat items {flat.keys} differ from the full items {whole.keys}"
    )

    second = steps.read_list(session, name, orderBy="title", orderDir="ASC", start=1, limit=1)
    assert second.keys == whole.keys[1:2], (
        f"{name}: start=1 limit=1 gave {second.keys}, not {whole.keys[1:2]}"
    )
    assert second.paging == Paging(1, 1, count), f"{name}: paging {second.paging}"
    beyond = steps.read_list(session, name, start=count)
    assert beyond.items == [] and beyond.paging == Paging(count, 50, count), (
        f"{name}: a start beyond the list gave {beyond.keys}, paging {beyond.paging}"
    )

    by_id = steps.read_list(session, name, orderBy="ID", orderDir="DESC")
    ids = [entry.id for entry in by_id.items]
    assert ids == sorted(ids, reverse=True) and set(by_id.keys) == set(whole.keys), (
        f"{name}: orderBy=ID orderDir=DESC gave {by_id.keys}"
    )


# -- filling the lists -------------------------------------------------------------------


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_each_interaction_fills_its_list_newest_first(steps):
    session = steps.logged_in()
    with steps.step("fill every list with two items, a second apart, the later item first by id"):
        # Newest first must not be mistakable for an order of the ids.
        items = {
            name: sorted(steps.items_for(name, 2), key=lambda item: item.gid, reverse=True)
            for name in FILLERS
        }
        added = steps.fill_lists(session, items, a_second_apart=True)

    for name, made in added.items():
        newest_first = list(reversed(made))
        with steps.step(f"{name} lists its items newest first, with the time each was added"):
            page = steps.read_list(session, name)
            assert page.keys == keys(newest_first), (
                f"{name}: {page.keys}, expected {keys(newest_first)}"
            )
            assert [e.added for e in page.items] == [m.added for m in newest_first], (
                f"{name}: added times"
            )
            assert page.paging == Paging(0, 50, len(made)), f"{name}: paging {page.paging}"
        with steps.step(f"{name} lists them oldest first with orderDir=ASC"):
            assert steps.read_list(session, name, orderDir="ASC").keys == keys(made), (
                f"{name}: ASC order"
            )

    with steps.step("ratings and comments show the rating and the text sent"):
        assert {e.interaction["rating"] for e in steps.read_list(session, "ratings").items} == {4}
        comments = [e.interaction["comment"] for e in steps.read_list(session, "comments").items]
        assert [c["ID"] for c in comments] == [m.comment.id for m in reversed(added["comments"])]
        assert {c["text"] for c in comments} == {"Worth watching twice."}
    with steps.step("historyformerge gives the watched items as ids, last watched first"):
        assert keys(steps.history_for_merge(session)) == keys(reversed(added["history"]))


def test_another_users_lists_hold_none_of_them(steps):
    filled_user(steps, count=1)
    other = steps.logged_in()
    for name in PAGED_LISTS:
        with steps.step(f"another user's {name} is empty"):
            page = steps.read_list(other, name)
            assert page.items == [] and page.paging.resultcount == 0, (
                f"{name} of another user: {page.keys}"
            )
    with steps.step("another user's historyformerge is empty"):
        assert steps.history_for_merge(other) == [], "historyformerge of another user is not empty"


def test_removing_takes_the_item_out_and_adding_again_changes_nothing(steps):
    session = steps.logged_in()
    for name in REMOVABLE:
        first, second = steps.items_for(name, 2)
        with steps.step(f"add an item to {name} twice: the second add changes nothing"):
            added = steps.add_to(session, name, first)
            again = steps.add_to(session, name, first)
            assert added.changed and not again.changed, (
                f"changed {added.changed}, then {again.changed}"
            )
            # The history keeps the last watched time; every other list the first add's.
            if name != "history":
                assert again.added == added.added, (
                    f"a repeated add moved the time from {added.added} to {again.added}"
                )
        with steps.step(f"add another item, remove the first: {name} holds only the other"):
            steps.add_to(session, name, second)
            assert steps.remove_from(session, name, first).changed, "the removal changed nothing"
            assert steps.read_list(session, name).keys == [second.key]
        with steps.step(f"removing it from {name} again is refused: it is not there"):
            steps.refused(
                steps.try_remove_from(session, name, first),
                rule=f"{FILLERS[name].remove}: 404 if the item is not in {name}",
                statuses=(NOT_FOUND,),
            )


# -- what every list honours ----------------------------------------------------------------


def test_every_list_honours_streamtype_flat_level_paging_and_order(steps):
    session, added = filled_user(steps)
    for name in FILLERS:
        if name in STREAMTYPE_FILTERED:
            with steps.step(f"{name} with streamtype=audio lists only the audio item"):
                wanted = [m.item.key for m in added[name] if m.item.streamtype == "audio"]
                page = steps.read_list(session, name, streamtype="audio")
                assert page.keys == wanted and page.paging.resultcount == 1, (
                    f"{name}?streamtype=audio: {page.keys}"
                )
        with steps.step(
            f"{name} gives flat items, pages with start and limit, orders by title and ID"
        ):
            honours_flat_level_paging_and_order(steps, session, name)


def test_every_list_refuses_bad_paging_order_and_filter(steps):
    session = steps.logged_in()
    # Each list refuses one of them, in turn; the generated tests send every one to every list.
    bad = cycle(
        [
            {"limit": 0},
            {"limit": 101},
            {"start": -1},
            {"orderBy": "rating"},
            {"orderDir": "sideways"},
        ]
    )
    for name in PAGED_LISTS:
        refusals = [
            next(bad),
            *([{"streamtype": "podcast"}] if name in STREAMTYPE_FILTERED else []),
        ]
        for params in refusals:
            with steps.step(f"{name} refuses {params}"):
                steps.refused(
                    steps.try_read_list(session, name, **params),
                    rule=f"{name}: {params} is outside the contract",
                    statuses=(BAD_REQUEST,),
                )


# -- the history ----------------------------------------------------------------------------


def test_the_history_can_leave_out_completed_items(steps):
    session = steps.logged_in()
    done, started, image = steps.items_for("history")
    with steps.step("watch one item to the end, another partly, and view an image"):
        steps.add_to(session, "history", done, completed=1)
        steps.add_to(session, "history", started, progress=1)
        steps.add_to(session, "history", image)
    with steps.step(
        "the history lists all three; with excludeCompleted=1 the completed one is left out"
    ):
        assert set(steps.read_list(session, "history").keys) == {done.key, started.key, image.key}
        assert set(steps.read_list(session, "history", excludeCompleted=1).keys) == {
            started.key,
            image.key,
        }


def test_historyformerge_gives_every_watched_id_as_asked(steps):
    session = steps.logged_in()
    video, audio, image = (
        steps.time_based_item("video"),
        steps.time_based_item("audio"),
        steps.find_item("image"),
    )
    with steps.step("watch a video partly, an audio to the end, and view an image"):
        steps.add_to(session, "history", video, progress=5)
        steps.add_to(session, "history", audio, progress=5, completed=1)
        steps.add_to(session, "history", image)

    with steps.step("plain: every watched item, without progress"):
        entries = steps.history_for_merge(session)
        assert set(keys(entries)) == {video.key, audio.key, image.key}, keys(entries)
        assert all(entry.progress is None for entry in entries), (
            "progress without includeProgress=1"
        )
    with steps.step("includeProgress=1: the progress of the time-based items only"):
        progress = {
            entry.key: entry.progress
            for entry in steps.history_for_merge(session, includeProgress=1)
        }
        assert progress == {video.key: 5, audio.key: 5, image.key: None}, progress
    with steps.step("streamtypes=video,audio: the image is left out"):
        assert set(keys(steps.history_for_merge(session, streamtypes="video,audio"))) == {
            video.key,
            audio.key,
        }
    with steps.step("excludeCompleted=1: the completed audio is left out"):
        assert set(keys(steps.history_for_merge(session, excludeCompleted=1))) == {
            video.key,
            image.key,
        }
    with steps.step("maxDays=1: everything watched today"):
        assert set(keys(steps.history_for_merge(session, maxDays=1))) == {
            video.key,
            audio.key,
            image.key,
        }
    with steps.step("all together: the video with its progress"):
        combined = steps.history_for_merge(
            session, includeProgress=1, streamtypes="video,audio", excludeCompleted=1
        )
        assert [(entry.key, entry.progress) for entry in combined] == [(video.key, 5)], combined


def test_watching_keeps_the_largest_progress_and_completion(steps):
    session = steps.logged_in()
    video, audio, image = (
        steps.time_based_item("video"),
        steps.time_based_item("audio"),
        steps.find_item("image"),
    )
    half = video.runtime // 2

    with steps.step("watch half of a video"):
        assert steps.add_to(session, "history", video, progress=half).progress == half
    with steps.step("going back keeps the largest progress, and changes nothing"):
        back = steps.add_to(session, "history", video, progress=1)
        assert (back.progress, back.completed, back.changed) == (half, 0, False), back.result
    with steps.step("a progress beyond the end is the runtime, and completes the video"):
        beyond = steps.add_to(session, "history", video, progress=video.runtime * 10)
        assert (beyond.progress, beyond.completed, beyond.changed) == (video.runtime, 1, True), (
            beyond.result
        )
    with steps.step("an audio sent as completed stays completed when sent as not completed"):
        assert steps.add_to(session, "history", audio, progress=1, completed=1).completed == 1
        assert steps.add_to(session, "history", audio, progress=2, completed=0).completed == 1
    with steps.step("viewing an image records no progress, nor does its history entry"):
        viewed = steps.add_to(session, "history", image, progress=30)
        assert (viewed.progress, viewed.completed) == (None, 0), viewed.result
        [entry] = steps.read_list(session, "history", streamtype="image").items
        assert (entry.interaction["progress"], entry.interaction["completed"]) == (None, 0), (
            entry.interaction
        )


# -- ratings and comments -------------------------------------------------------------------


def test_rating_again_replaces_the_rating_and_keeps_the_first_time(steps):
    session = steps.logged_in()
    video = steps.find_item("video")
    with steps.step("rate 4, then 4 again: the second changes nothing"):
        first = steps.add_to(session, "ratings", video, rating=4)
        assert (first.changed, first.rating) == (True, 4), first.result
        assert not steps.add_to(session, "ratings", video, rating=4).changed
    with steps.step("rate 2: the rating is replaced, its time stays"):
        replaced = steps.add_to(session, "ratings", video, rating=2)
        assert (replaced.changed, replaced.rating, replaced.added) == (True, 2, first.added), (
            replaced.result
        )
        [entry] = steps.read_list(session, "ratings").items
        assert entry.interaction["rating"] == 2, entry.interaction
    with steps.step("a rating of 6 is refused"):
        steps.refused(
            steps.try_interact(session, "addrate", video, rating=6),
            rule="addrate: ratings are 1 to 5",
            statuses=(BAD_REQUEST,),
        )


def test_each_comment_is_an_entry_and_only_its_author_removes_it(steps):
    session = steps.logged_in()
    video = steps.find_item("video")
    with steps.step("comment twice on one item: two entries"):
        first = steps.add_to(session, "comments", video, text="What a light!").comment
        second = steps.add_to(session, "comments", video, text="Again!").comment
        assert first.id != second.id, "two comments got one id"
        texts = {
            e.interaction["comment"]["text"] for e in steps.read_list(session, "comments").items
        }
        assert texts == {"What a light!", "Again!"}, texts

    with steps.step("another user may not remove the comment"):
        stranger = steps.logged_in()
        steps.refused(
            steps.try_remove_comment(stranger, first),
            rule="removecomment: only the author removes a comment",
            statuses=(FORBIDDEN,),
        )
    with steps.step("the author removes it by its id, once"):
        assert steps.remove_comment(session, video, first).comment == first
        steps.refused(
            steps.try_remove_comment(session, first),
            rule="removecomment: a removed comment is gone",
            statuses=(NOT_FOUND,),
        )
        assert steps.read_list(session, "comments").paging.resultcount == 1


def test_a_full_item_carries_the_whole_relation_to_it(steps):
    session = steps.logged_in()
    video = steps.time_based_item("video")
    with steps.step("watch, rate and like a video"):
        steps.add_to(session, "history", video, progress=5)
        steps.add_to(session, "ratings", video, rating=5)
        liked = steps.add_to(session, "likes", video)
    with steps.step("its entry in the likes shows the item and the whole relation"):
        [entry] = steps.read_list(session, "likes").items
        assert (entry.title, entry.runtime) == (video.title, video.runtime), (
            entry.title,
            entry.runtime,
        )
        assert entry.interaction == {
            "added": liked.added,
            "progress": 5,
            "completed": 0,
            "rating": 5,
            "comment": None,
            "purchased": None,
            "expires": None,
        }, entry.interaction


# -- purchases (destructive: a purchase may start a payment on a live target) ---------------


@pytest.mark.destructive
def test_a_purchase_moves_the_item_from_the_cart(steps):
    session = steps.logged_in()
    video, audio = steps.find_item("video"), steps.find_item("audio")
    with steps.step("put a video and an audio in the cart, buy the video"):
        steps.add_to(session, "cart", video)
        steps.add_to(session, "cart", audio)
        bought = steps.add_to(session, "purchaseditems", video)
        assert (bought.changed, bought.expires) == (True, None), bought.result
    with steps.step("the video left the cart for the purchased items"):
        assert steps.read_list(session, "cart").keys == [audio.key]
        assert steps.read_list(session, "purchaseditems").keys == [video.key]
    with steps.step("buying it again changes nothing"):
        again = steps.add_to(session, "purchaseditems", video)
        assert (again.changed, again.purchased) == (False, bought.purchased), again.result
    with steps.step("its entry in another list shows the purchase"):
        steps.add_to(session, "likes", video)
        [entry] = steps.read_list(session, "likes").items
        assert (entry.interaction["purchased"], entry.interaction["expires"]) == (
            bought.purchased,
            None,
        )
    with steps.step("the purchased items list honours streamtype, flat, paging and order"):
        steps.add_to(session, "purchaseditems", audio)
        assert steps.read_list(session, "purchaseditems", streamtype="audio").keys == [audio.key]
        honours_flat_level_paging_and_order(steps, session, "purchaseditems")
    with steps.step("another user has purchased nothing"):
        assert steps.read_list(steps.logged_in(), "purchaseditems").items == []


@pytest.mark.destructive
def test_a_rental_expires_and_exclude_expired_leaves_it_out(steps):
    session = steps.logged_in()
    video, audio = steps.find_item("video"), steps.find_item("audio")
    with steps.step("rent a video for one second, and an audio for an hour"):
        rented = steps.add_to(session, "purchaseditems", video, duration=1)
        assert rented.expires == rented.purchased + 1, rented.result
        steps.add_to(session, "purchaseditems", audio, duration=3600)
    steps.wait_until_rental_expired(rented)
    with steps.step("with excludeExpired=1 only the audio is listed; without, both"):
        assert steps.read_list(session, "purchaseditems", excludeExpired=1).keys == [audio.key]
        assert set(steps.read_list(session, "purchaseditems").keys) == {video.key, audio.key}
    with steps.step("buying the expired video renews it for good"):
        renewed = steps.add_to(session, "purchaseditems", video)
        assert (renewed.changed, renewed.expires) == (True, None), renewed.result


# -- search history -------------------------------------------------------------------------


def test_a_search_fills_the_search_history_with_the_page_found(steps):
    session = steps.logged_in()
    term = SEARCH_TERMS[0]
    with steps.step(f"search for {term!r} case-insensitively, two items a page"):
        found = steps.search(session, term.upper(), limit=2)
        if found.paging.resultcount <= 2:
            pytest.skip(f"needs more than 2 published items matching {term!r} on the target")
        assert len(found.items) == 2, f"a page of two found {found.keys}"
        assert all(entry.interaction is None for entry in found.items), (
            "a search result carries a relation"
        )
        assert found.keys == steps.search(steps.session(), term, limit=2).keys, (
            "the search depends on case"
        )
    with steps.step("a search honours streamtype and orders by title"):
        videos = steps.search(
            steps.session(), term, streamtype="video", orderBy="title", orderDir="ASC"
        )
        assert {entry.streamtype for entry in videos.items} == {"video"}, (
            f"streamtype=video found {videos.keys}"
        )
        titles = [entry.title.casefold() for entry in videos.items]
        assert titles == sorted(titles), f"orderBy=title found {titles}"
    with steps.step("the search history holds the page found, not the whole result"):
        history = steps.read_list(session, "searchhistory")
        assert set(history.keys) == set(found.keys) and history.paging.resultcount == 2, (
            history.keys
        )
    with steps.step("the search history honours streamtype, flat, paging and order"):
        streamtype = found.items[0].streamtype
        wanted = {entry.key for entry in found.items if entry.streamtype == streamtype}
        assert set(steps.read_list(session, "searchhistory", streamtype=streamtype).keys) == wanted
        honours_flat_level_paging_and_order(steps, session, "searchhistory")


# -- refusals -------------------------------------------------------------------------------


def test_interactions_refuse_unknown_items_and_the_wrong_streamtype(steps):
    session = steps.logged_in()
    with steps.step("an item the target does not have is not found"):
        steps.refused(
            steps.try_interact(session, "addlike", MediaItem(UNKNOWN_ID, "video")),
            rule="addlike: 404 for an unknown item",
            statuses=(NOT_FOUND,),
        )
    with steps.step("joining a team as an event is refused"):
        steps.refused(
            steps.try_interact(session, "joinevent", steps.find_item("team")),
            rule="joinevent: the streamtype is always event",
            statuses=(BAD_REQUEST,),
        )
    with steps.step("leaving a team never joined is not found"):
        steps.refused(
            steps.try_interact(session, "leaveteam", steps.find_item("team")),
            rule="leaveteam: 404 if the user did not join",
            statuses=(NOT_FOUND,),
        )


def test_an_anonymous_session_may_not_interact_or_read_lists(steps):
    anonymous = steps.session()
    with steps.step("an anonymous session may not like an item"):
        steps.refused(
            steps.try_interact(anonymous, "addlike", steps.find_item("video")),
            rule="interactions: need a logged-in user",
            statuses=(FORBIDDEN,),
        )
    for name in LISTS:
        with steps.step(f"an anonymous session may not read {name}"):
            steps.refused(
                steps.try_read_list(anonymous, name),
                rule=f"{name}: needs a logged-in user",
                statuses=(FORBIDDEN,),
            )


def test_a_user_session_may_not_name_another_user(steps):
    session = steps.logged_in()
    other = steps.register().user
    for name in LISTS:
        with steps.step(f"{name} with forUserID is refused to a user's session"):
            steps.refused(
                steps.try_read_list(session, name, forUserID=other.user_id),
                rule=f"{name}: forUserID is for the eternal session only",
                statuses=(FORBIDDEN,),
            )


@pytest.mark.eternal
def test_the_eternal_session_reads_the_lists_of_the_user_it_names(steps, eternal_session):
    user = steps.registered_user()
    session = steps.logged_in(user)
    video = steps.find_item("video")
    with steps.step("the user likes and watches a video"):
        steps.add_to(session, "likes", video)
        steps.add_to(session, "history", video)

    with steps.step("the eternal session reads the user's likes and historyformerge"):
        assert steps.read_list(eternal_session, "likes", forUserID=user.user_id).keys == [video.key]
        assert keys(steps.history_for_merge(eternal_session, forUserID=user.user_id)) == [video.key]
    for name in PAGED_LISTS:
        with steps.step(f"the eternal session reads {name} for the user"):
            steps.read_list(eternal_session, name, forUserID=user.user_id)
    with steps.step("without forUserID the eternal session has no list of its own"):
        steps.refused(
            steps.try_read_list(eternal_session, "favourites"),
            rule="favourites: the eternal session must name a user",
            statuses=(FORBIDDEN,),
        )
    with steps.step("a user the target does not know is not found"):
        steps.refused(
            steps.try_read_list(eternal_session, "favourites", forUserID=UNKNOWN_ID),
            rule="favourites: 404 for an unknown forUserID",
            statuses=(NOT_FOUND,),
        )
