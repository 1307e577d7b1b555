"""Steps: user-generated content (addarticle, addplaylist, addcollection), and finding
published items as another user would (/media/byquery)."""

from __future__ import annotations

from dataclasses import dataclass

from nexx_conformance.client import Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import CREATED, OK
from nexx_conformance.steps.base import StepsBase

# The operation that creates a user's item of each streamtype.
ADD_OPERATION = {"article": "addarticle", "playlist": "addplaylist", "collection": "addcollection"}


@dataclass(frozen=True)
class CreatedItem:
    """The item a UGC call created."""

    id: int
    streamtype: str
    published: bool


def adding(streamtype: str, fields: dict) -> str:
    """`add a playlist titled 'x'`: a step's name."""
    return f"add a {streamtype}" + (f" titled {fields['title']!r}" if fields.get("title") else "")


class Ugc(StepsBase):
    def request_new_item(self, session: Session, streamtype: str, **fields) -> ApiResponse:
        """Ask to create an article, playlist or collection from raw form `fields`. Asserts nothing."""
        with self.step(f"try to {adding(streamtype, fields)}"):
            return session.post(f"user/{ADD_OPERATION[streamtype]}", **fields)

    def add_item(
        self,
        session: Session,
        streamtype: str,
        title: str,
        *,
        auto_publish: bool | None = None,
        **details,
    ) -> CreatedItem:
        """A new article, playlist or collection (`details`: subtitle, teaser, text, description);
        `auto_publish` None sends no autoPublish at all."""
        fields = {"title": title, "autoPublish": auto_publish, **details}
        with self.step(adding(streamtype, fields)):
            answer = self.expect(
                session.post(f"user/{ADD_OPERATION[streamtype]}", **fields),
                CREATED,
                rule=f"{ADD_OPERATION[streamtype]}: a logged-in user creates a {streamtype} (201)",
            )
            result = answer.fields
            return CreatedItem(result["ID"], result["streamtype"], result["isPublished"] == 1)

    def found_by_search(self, session: Session, query: str) -> list[int]:
        """The ids of the items /media/byquery finds for `query` (published ones only)."""
        with self.step(f"search for {query!r}"):
            answer = self.expect(
                session.get(f"media/byquery/{query}"),
                OK,
                rule="byquery: a search answers with the published items found (200)",
            )
            return [entry["general"]["ID"] for entry in answer.result]
