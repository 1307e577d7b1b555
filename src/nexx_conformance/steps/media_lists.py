"""Steps: interactions that fill the media lists, and reading the lists.

Which items exist is the target's data: the steps find them with the contract's search
(`GET /media/byquery/{query}`) from an anonymous session, so a flow runs unchanged against
the reference server and a staging system, and never fills a search history by looking.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from nexx_conformance.client import Session
from nexx_conformance.contract import contract
from nexx_conformance.envelope import ApiResponse, Paging
from nexx_conformance.status import OK
from nexx_conformance.steps.base import StepsBase

# Common letters: a search for one of them finds nearly every published item of a catalogue.
SEARCH_TERMS = ("e", "a", "o", "i")
SEARCH_PAGE = 100
# The streamtypes a list of any streamtype is filled with, in this order.
MIXED_STREAMTYPES = ("video", "audio", "image", "article", "show")
# Two relations made at least this far apart get different `added` seconds on any target.
ONE_SECOND = 1.05
# A purchase whose `expires` is now is expired; a little more keeps clear of rounding.
EXPIRY_MARGIN = 0.1


# The lists of GET /user/{list}: the contract's operations tagged "media lists", in its order
# (the contract is their one source; the reference server serves the same).
MEDIA_LISTS_TAG = "media lists"
LISTS = tuple(operation.operation_id for operation in contract().tagged(MEDIA_LISTS_TAG))
# historyformerge alone is all ids at once: no paging, no order, no media data.
PAGED_LISTS = tuple(name for name in LISTS if name != "historyformerge")
# The lists that declare the `streamtype` filter.
STREAMTYPE_FILTERED = (
    "history",
    "searchhistory",
    "purchaseditems",
    "favourites",
    "watchlist",
    "likes",
    "ratings",
    "comments",
    "uploads",
)


@dataclass(frozen=True)
class MediaItem:
    """A published item of the target, named by its id within its streamtype."""

    id: int
    streamtype: str
    title: str = ""
    runtime: int | None = None  # seconds, for time-based items (video, audio)
    gid: int | None = None  # unique across streamtypes

    @property
    def key(self) -> tuple[int, str]:
        return self.id, self.streamtype


@dataclass(frozen=True)
class ListFiller:
    """The interaction that puts an item in a list, the one that takes it out again, and
    the form fields the add needs (a rating, a comment's text, a watch progress)."""

    list_name: str
    add: str
    remove: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    streamtype: str | None = None  # the only streamtype the list takes (events, teams)


FILLERS = {
    filler.list_name: filler
    for filler in (
        ListFiller("favourites", "addtofavourites", "removefromfavourites"),
        ListFiller("watchlist", "addtowatchlist", "removefromwatchlist"),
        ListFiller("likes", "addlike", "removelike"),
        ListFiller("ratings", "addrate", "removerate", {"rating": 4}),
        ListFiller("comments", "addcomment", None, {"text": "Worth watching twice."}),
        ListFiller("cart", "addtocart", "removefromcart"),
        ListFiller("itemsininterest", "expressinterest", "removeinterest"),
        ListFiller("history", "addtowatched", "removefromwatched", {"progress": 10}),
        ListFiller("events", "joinevent", "leaveevent", streamtype="event"),
        ListFiller("teams", "jointeam", "leaveteam", streamtype="team"),
    )
}
# Destructive on a live target (a purchase may start a payment): its own flow step.
PURCHASE = ListFiller("purchaseditems", "purchase")


@dataclass(frozen=True)
class Comment:
    id: int
    text: str


@dataclass(frozen=True)
class Interacted:
    """The target's answer to an interaction the user made with an item."""

    item: MediaItem
    result: dict[str, Any]

    @property
    def changed(self) -> bool:
        return self.result.get("changed") == 1

    @property
    def added(self) -> int | None:
        return self.result.get("added")

    @property
    def comment(self) -> Comment | None:
        comment = self.result.get("comment")
        return Comment(comment["ID"], comment["text"]) if isinstance(comment, dict) else None

    @property
    def rating(self) -> int | None:
        return self.result.get("rating")

    @property
    def progress(self) -> int | None:
        return self.result.get("progress")

    @property
    def completed(self) -> int | None:
        return self.result.get("completed")

    @property
    def purchased(self) -> int | None:
        return self.result.get("purchased")

    @property
    def expires(self) -> int | None:
        return self.result.get("expires")


def seconds_of(runtime: Any) -> int | None:
    """A media item's `runtime` in seconds: nexx writes it "HH:MM:SS" (a captured answer:
    "00:18:19"); None where there is none or it is unreadable."""
    if not isinstance(runtime, str):
        return None
    parts = runtime.split(":")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    hours, minutes, seconds = (int(part) for part in parts)
    return hours * 3600 + minutes * 60 + seconds


@dataclass(frozen=True)
class ListedItem:
    """One entry of a media list: a full item (with the user's relation) or a flat one."""

    id: int
    streamtype: str
    title: str
    flat: bool
    interaction: dict[str, Any] | None = None
    runtime: int | None = None
    gid: int | None = None

    @property
    def key(self) -> tuple[int, str]:
        return self.id, self.streamtype

    @property
    def added(self) -> int | None:
        return (self.interaction or {}).get("added")

    @classmethod
    def of(cls, entry: dict[str, Any], streamtype: str | None = None) -> ListedItem:
        """The entry; `streamtype` is the list's filter, the item's streamtype where its
        `general` names none (a captured media item has none: the contract's field)."""
        if "general" in entry:
            general = entry["general"]
            return cls(
                general["ID"],
                general.get("streamtype", streamtype),
                general["title"],
                False,
                entry.get("interaction"),
                seconds_of(general.get("runtime")),
                general["GID"],
            )
        return cls(entry["ID"], entry["streamtype"], entry["title"], True, gid=entry["GID"])


@dataclass(frozen=True)
class ListPage:
    """One page of a media list as the target answered it."""

    name: str
    items: list[ListedItem]
    paging: Paging | None
    answer: ApiResponse = field(repr=False)

    @property
    def keys(self) -> list[tuple[int, str]]:
        return [item.key for item in self.items]

    @classmethod
    def of(cls, name: str, answer: ApiResponse, streamtype: str | None = None) -> ListPage:
        items = [ListedItem.of(entry, streamtype) for entry in answer.result or []]
        return cls(name, items, Paging.of(answer.paging), answer)


@dataclass(frozen=True)
class MergeEntry:
    """One watched item of /user/historyformerge."""

    id: int
    streamtype: str
    progress: int | None = None

    @property
    def key(self) -> tuple[int, str]:
        return self.id, self.streamtype


def shown_params(params: dict) -> str:
    """` (limit=2, order=title)` for a step's name; nothing without parameters."""
    return f" ({', '.join(f'{k}={v}' for k, v in params.items())})" if params else ""


def keys(items) -> list[tuple[int, str]]:
    """(id, streamtype) of media items, interactions or list entries, in their order."""
    return [item.item.key if isinstance(item, Interacted) else item.key for item in items]


class MediaLists(StepsBase):
    # -- the target's catalogue ----------------------------------------------------------

    def find_items(
        self,
        streamtype: str,
        count: int = 1,
        *,
        having: Callable[[MediaItem], bool] | None = None,
        described: str = "",
    ) -> list[MediaItem]:
        """`count` published items of a streamtype (that satisfy `having`), found by
        /media/byquery; skips the test when the target has fewer."""
        found: dict[tuple[int, str], MediaItem] = {}
        for term in SEARCH_TERMS:
            for item in self._published(streamtype, term):
                if having is None or having(item):
                    found.setdefault(item.key, item)
            if len(found) >= count:
                return list(found.values())[:count]
        pytest.skip(
            f"needs {count} published {streamtype} item(s){described} that /media/byquery finds on "
            f"the target (searched for {', '.join(SEARCH_TERMS)}); found {len(found)}"
        )

    def _published(self, streamtype: str, term: str) -> list[MediaItem]:
        # One anonymous session searches, once per streamtype and term: a test that fills
        # ten lists asks for the same items many times.
        if getattr(self, "_searches", None) is None:
            self._searches, self._searcher = {}, self.session()
        searches = self._searches
        if (streamtype, term) not in searches:
            page = self.search(self._searcher, term, streamtype=streamtype, limit=SEARCH_PAGE)
            searches[streamtype, term] = [
                MediaItem(entry.id, entry.streamtype, entry.title, entry.runtime, entry.gid)
                for entry in page.items
            ]
        return searches[streamtype, term]

    def find_item(self, streamtype: str) -> MediaItem:
        """One item of the target's catalogue of a streamtype (found by search)."""
        return self.find_items(streamtype)[0]

    def items_for(self, list_name: str, count: int = 3) -> list[MediaItem]:
        """Items a list takes: of its only streamtype, else one each of video, audio, image, ..."""
        only = FILLERS[list_name].streamtype if list_name in FILLERS else None
        if only:
            return self.find_items(only, count)
        return [self.find_item(streamtype) for streamtype in MIXED_STREAMTYPES[:count]]

    def time_based_item(self, streamtype: str = "video", shortest: int = 10) -> MediaItem:
        """A video (or audio) item whose runtime the target states, at least `shortest` seconds."""
        return self.find_items(
            streamtype,
            having=lambda item: (item.runtime or 0) >= shortest,
            described=f" with a runtime of at least {shortest} s",
        )[0]

    # -- interactions --------------------------------------------------------------------

    def try_interact(self, session: Session, action: str, item: MediaItem, **fields) -> ApiResponse:
        """Send /interactions/{action} for the item with its verb; asserts nothing (for refusals).

        The verb is the contract's: POST, DELETE for the removals the docs list."""
        with self.step(f"try {action} on {item.streamtype} {item.id}"):
            return self._send_interaction(session, action, item, fields)

    def _send_interaction(
        self, session: Session, action: str, item: MediaItem, fields: dict
    ) -> ApiResponse:
        return session.call(
            contract().method_of(action),
            f"interactions/{action}",
            item=item.id,
            streamtype=item.streamtype,
            **fields,
        )

    def interact(self, session: Session, action: str, item: MediaItem, **fields) -> Interacted:
        """Send an interaction (addlike, addtowatchlist, ...) and expect it to be taken (200)."""
        with self.step(f"{action} {item.streamtype} {item.id}"):
            answer = self._send_interaction(session, action, item, fields)
            self.expect(
                answer, OK, rule=f"{action}: a logged-in user interacts with a visible item (200)"
            )
            result = answer.fields
            echoed = (result.get("action"), result.get("item"), result.get("streamtype"))
            assert echoed == (action, item.id, item.streamtype), (
                f"{action}: the result names {echoed}, not the interaction sent "
                f"{(action, *item.key)}"
            )
            return Interacted(item, result)

    def try_remove_comment(self, session: Session, comment: Comment | int) -> ApiResponse:
        """Send /interactions/removecomment for a comment (its id as `item`); asserts nothing.

        The docs: "this Method needs the Comment ID as item"."""
        number = comment.id if isinstance(comment, Comment) else comment
        with self.step(f"try removecomment on comment {number}"):
            return self._send_remove_comment(session, number)

    def _send_remove_comment(self, session: Session, number: int) -> ApiResponse:
        return session.call(
            contract().method_of("removecomment"), "interactions/removecomment", item=number
        )

    def remove_comment(self, session: Session, item: MediaItem, comment: Comment) -> Interacted:
        """Remove one of the user's comments on `item` (200), named by the item in the result."""
        with self.step(f"removecomment {comment.id} on {item.streamtype} {item.id}"):
            answer = self.expect(
                self._send_remove_comment(session, comment.id),
                OK,
                rule="removecomment: the author removes a comment by its id (200)",
            )
            result = answer.fields
            named = (result.get("item"), result.get("streamtype"))
            assert named == item.key, (
                f"removecomment: the result names item {named}, not the one commented {item.key}"
            )
            return Interacted(item, result)

    def add_to(self, session: Session, list_name: str, item: MediaItem, **fields) -> Interacted:
        """The interaction that puts `item` in `list_name` (addtofavourites for favourites, ...)."""
        filler = PURCHASE if list_name == PURCHASE.list_name else FILLERS[list_name]
        return self.interact(session, filler.add, item, **{**filler.fields, **fields})

    def try_remove_from(self, session: Session, list_name: str, item: MediaItem) -> ApiResponse:
        """Send the interaction that takes an item out of a list; asserts nothing."""
        return self.try_interact(session, FILLERS[list_name].remove, item)

    def remove_from(self, session: Session, list_name: str, item: MediaItem) -> Interacted:
        """Take an item out of a list with its remove interaction (200)."""
        return self.interact(session, FILLERS[list_name].remove, item)

    def fill_lists(
        self, session: Session, items: dict[str, list[MediaItem]], *, a_second_apart: bool = False
    ) -> dict[str, list[Interacted]]:
        """Add each list's items, round by round (the first item of every list, then the
        second, ...). `a_second_apart`: the rounds are a second apart, so every list's items
        have different `added` times on any target (nexx times are whole seconds)."""
        added: dict[str, list[Interacted]] = {name: [] for name in items}
        last_round_end = None
        for round_number in range(max(len(some) for some in items.values())):
            if a_second_apart and last_round_end is not None:
                self.wait_a_second_since(last_round_end)
            for name, some in items.items():
                if round_number < len(some):
                    added[name].append(self.add_to(session, name, some[round_number]))
            last_round_end = time.monotonic()
        return added

    def wait_a_second_since(self, moment: float) -> None:
        """Wait until a second has passed since `moment`, so times differ (not in replay)."""
        # A replay answers with the recorded times: nothing to wait for.
        if self.target.time_passes:
            time.sleep(max(0.0, moment + ONE_SECOND - time.monotonic()))

    def wait_until_rental_expired(self, purchase: Interacted) -> None:
        """Until the rental has run out on the target's clock: its length (`expires` minus
        `purchased`) after the answer, whatever the two clocks read."""
        assert isinstance(purchase.expires, int), f"the rental has no end: {purchase.result}"
        if self.target.time_passes:
            time.sleep(purchase.expires - purchase.purchased + EXPIRY_MARGIN)

    # -- lists ---------------------------------------------------------------------------

    def try_read_list(self, session: Session, list_name: str, **params) -> ApiResponse:
        """GET /user/{list_name}; asserts nothing (for refusals)."""
        with self.step(f"try to read /user/{list_name}" + shown_params(params)):
            return session.get(f"user/{list_name}", **params)

    def read_list(self, session: Session, list_name: str, **params) -> ListPage:
        """Read one of the user's media lists (200), with its paging."""
        with self.step(f"read /user/{list_name}" + shown_params(params)):
            answer = self.expect(
                session.get(f"user/{list_name}", **params),
                OK,
                rule=f"{list_name}: the list of the session's user (200)",
            )
            return ListPage.of(list_name, answer, params.get("streamtype"))

    def history_for_merge(self, session: Session, **params) -> list[MergeEntry]:
        """GET /user/historyformerge: every watched item as ids, never paged."""
        with self.step("read /user/historyformerge" + shown_params(params)):
            answer = self.expect(
                session.get("user/historyformerge", **params),
                OK,
                rule="historyformerge: the whole history as ids (200)",
            )
            assert answer.paging is None, (
                f"historyformerge: answered with paging {answer.paging}; it is never paged"
            )
            return [
                MergeEntry(entry["ID"], entry["streamtype"], entry.get("progress"))
                for entry in answer.result or []
            ]

    def search(self, session: Session, query: str, **params) -> ListPage:
        """GET /media/byquery/{query}; a logged-in user's search fills the search history."""
        with self.step(f"search for {query!r}" + shown_params(params)):
            answer = self.expect(
                session.get(f"media/byquery/{query}", **params),
                OK,
                rule="byquery: any session may search the published items (200)",
            )
            return ListPage.of("byquery", answer, params.get("streamtype"))
