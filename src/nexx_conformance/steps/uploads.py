"""Steps: prepareupload, PUT the bytes, finishupload; the user's own items.

An upload takes three calls: /user/prepareupload hands out a ticket (a server file name and
a signed upload URL), the bytes go with PUT to that URL (not a contract operation: the URL
is opaque and carries its own authorization), and /user/finishupload says what the file
becomes (docs/conventions.md, "Upload URL").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from nexx_conformance.client import Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import CREATED, OK
from nexx_conformance.steps.base import StepsBase, server_time


@dataclass(frozen=True)
class SampleFile:
    """A file on the user's device: its name there and its bytes."""

    name: str
    content: bytes


# The samples are ASCII: cassettes store bodies as text, so these survive a recording byte
# for byte and a replayed download can be compared with what was uploaded.
PICTURE = SampleFile(
    "harbour.svg",
    b'<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2">\n'
    b'<rect width="2" height="2" fill="navy"/>\n</svg>\n',
)
BACKGROUND = SampleFile(
    "quay.svg",
    b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="2">\n'
    b'<rect width="8" height="2" fill="teal"/>\n</svg>\n',
)
VIDEO = SampleFile("VID_0001.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\n")


class Position(NamedTuple):
    """A geo position sent with /finishupload (`lat` and `lng` come as a pair)."""

    lat: float | None
    lng: float | None


@dataclass(frozen=True)
class UploadTicket:
    """What /prepareupload handed out for one file."""

    file: str  # the server file name, for /finishupload
    url: str  # the signed upload URL, opaque: sent exactly as given
    expires: int
    max_size: int
    issued: int | None  # the target's clock when it answered (its Date header), if it said
    sample: SampleFile

    @classmethod
    def of(cls, answer: ApiResponse, sample: SampleFile) -> UploadTicket:
        result = answer.fields
        return cls(
            result["file"],
            result["uploadURL"],
            result["expires"],
            result["maxSize"],
            server_time(answer),
            sample,
        )


@dataclass(frozen=True)
class FinishedUpload:
    """What the uploaded file became: the new or covered item (None for profile images)."""

    file: str
    context: str
    item: int | None
    streamtype: str | None
    for_user_story: bool

    @classmethod
    def of(cls, result: dict) -> FinishedUpload:
        return cls(
            result["file"],
            result["context"],
            result["item"],
            result["streamtype"],
            result["forUserStory"] == 1,
        )


@dataclass(frozen=True)
class OwnItem:
    """One of the user's own items, as /user/uploads or /user/clips lists it."""

    id: int
    streamtype: str | None
    title: str
    teaser: str
    description: str
    owner: int | None
    published: bool
    cover: str | None
    created: int
    added: int | None  # when it entered the list: for the user's own items, when it was created


def item_of(entry: dict) -> OwnItem:
    # What every captured media item has is read as such; `teaser`, `description`,
    # `streamtype`, `isPublished`, `owner` and `interaction` are the contract's (optional).
    general = entry["general"]
    return OwnItem(
        general["ID"],
        general.get("streamtype"),
        general["title"],
        general.get("teaser", ""),
        general.get("description", ""),
        general.get("owner"),
        general.get("isPublished") == 1,
        entry["imagedata"]["thumb"],
        general["created"],
        (entry.get("interaction") or {}).get("added"),
    )


def envelope_problem(answer: ApiResponse) -> str | None:
    """What keeps an upload URL's answer from being a nexx envelope (docs/conventions.md)."""
    if answer.metadata.get("status") != answer.status:
        return (
            f"metadata.status is {answer.metadata.get('status')!r}, the HTTP status {answer.status}"
        )
    if not answer.ok and answer.result is not None:
        return f"a refusal carries a result: {answer.result!r}"
    return None


# -- ways to alter an upload URL: each must make the target refuse it -------------------------


def with_query(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(changes)
    return parts._replace(
        query=urlencode({k: v for k, v in query.items() if v is not None})
    ).geturl()


def raise_size_limit(ticket: UploadTicket) -> str:
    return with_query(ticket.url, max=str(ticket.max_size * 10))


def extend_expiry(ticket: UploadTicket) -> str:
    return with_query(ticket.url, expires=str(ticket.expires + 24 * 3600))


def forge_signature(ticket: UploadTicket) -> str:
    signature = dict(parse_qsl(urlsplit(ticket.url).query)).get("sig", "")
    return with_query(ticket.url, sig="0" * max(len(signature), 16))


def drop_signature(ticket: UploadTicket) -> str:
    return with_query(ticket.url, sig=None)


def rename_file(ticket: UploadTicket) -> str:
    parts = urlsplit(ticket.url)
    return parts._replace(path=parts.path.replace(f"/{ticket.file}", f"/x{ticket.file}")).geturl()


TAMPERINGS: dict[str, Callable[[UploadTicket], str]] = {
    "size-limit-raised": raise_size_limit,
    "expiry-extended": extend_expiry,
    "signature-forged": forge_signature,
    "signature-dropped": drop_signature,
    "file-name-changed": rename_file,
}


def finishing(file: str, context: str, item: int | None) -> str:
    """`finish the upload of f.svg as videocover of item 7`: a step's name."""
    return f"finish the upload of {file} as {context}" + (f" of item {item}" if item else "")


class Uploads(StepsBase):
    def prepare_upload(
        self,
        session: Session,
        sample: SampleFile,
        *,
        from_capture: bool = False,
        for_user_story: bool = False,
    ) -> UploadTicket:
        """A ticket for uploading `sample` (taken by camera if `from_capture`)."""
        with self.step(f"prepare the upload of {sample.name}"):
            answer = self.expect(
                session.post(
                    "user/prepareupload",
                    file=sample.name,
                    fromCapture=from_capture,
                    forUserStory=for_user_story,
                ),
                OK,
                rule="prepareupload: a logged-in user gets an upload ticket (200)",
            )
            return UploadTicket.of(answer, sample)

    def put_file(self, url: str, content: bytes) -> ApiResponse:
        """PUT bytes to an upload URL (no session: the URL is the authorization). Asserts nothing."""
        with self.step(f"PUT {len(content)} bytes to the upload URL"):
            return self._put(url, content)

    def _put(self, url: str, content: bytes) -> ApiResponse:
        answer = self.client.transfer("PUT", url, content)
        problem = envelope_problem(answer)
        if problem:
            raise AssertionError(
                f"upload URL: the PUT answers with the nexx envelope: {problem}"
                f"\n  sent: {answer.curl()}"
            )
        return answer

    def send_file(self, ticket: UploadTicket) -> ApiResponse:
        """PUT the ticket's file to its upload URL, the first time (201)."""
        with self.step(f"PUT {ticket.sample.name} to its upload URL"):
            return self.expect(
                self._put(ticket.url, ticket.sample.content),
                CREATED,
                rule="upload URL: the first PUT of a prepared file stores it (201)",
            )

    def request_finish_upload(
        self,
        session: Session,
        ticket: UploadTicket | str,
        context: str,
        *,
        item: int | None = None,
        title: str | None = None,
        description: str | None = None,
        position: Position | None = None,
        for_user_story: bool | None = None,
    ) -> ApiResponse:
        """Say what an uploaded file is for (`ticket` or a bare server file name). Asserts nothing."""
        file = ticket.file if isinstance(ticket, UploadTicket) else ticket
        with self.step(f"try to {finishing(file, context, item)}"):
            return self._send_finish(
                session, file, context, item, title, description, position, for_user_story
            )

    @staticmethod
    def _send_finish(
        session: Session,
        file: str,
        context: str,
        item: int | None = None,
        title: str | None = None,
        description: str | None = None,
        position: Position | None = None,
        for_user_story: bool | None = None,
    ) -> ApiResponse:
        lat, lng = position or (None, None)
        return session.post(
            "user/finishupload",
            file=file,
            context=context,
            item=item,
            mediaTitle=title,
            mediaDescription=description,
            lat=lat,
            lng=lng,
            forUserStory=for_user_story,
        )

    def finish_upload(
        self, session: Session, ticket: UploadTicket, context: str, **details
    ) -> FinishedUpload:
        """What the uploaded file became; fails unless the target finishes it (200)."""
        with self.step(finishing(ticket.file, context, details.get("item"))):
            answer = self.expect(
                self._send_finish(session, ticket.file, context, **details),
                OK,
                rule="finishupload: the user's uploaded file is finished once (200)",
            )
            return FinishedUpload.of(answer.fields)

    def upload_file(
        self,
        session: Session,
        sample: SampleFile,
        context: str,
        *,
        from_capture: bool = False,
        **details,
    ) -> FinishedUpload:
        """Prepare, PUT and finish one file."""
        ticket = self.prepare_upload(session, sample, from_capture=from_capture)
        self.send_file(ticket)
        return self.finish_upload(session, ticket, context, **details)

    def own_items(self, session: Session, list_name: str = "uploads", **filters) -> list[OwnItem]:
        """The user's own items: /user/uploads (or /user/clips), with list filters."""
        with self.step(f"read /user/{list_name}"):
            answer = self.expect(
                session.get(f"user/{list_name}", **filters),
                OK,
                rule=f"{list_name}: a logged-in user reads the own list (200)",
            )
            return [item_of(entry) for entry in answer.result]

    def served_file(self, url: str) -> bytes:
        """The bytes a finished upload's address serves (a profile image, a cover)."""
        with self.step("download the finished file"):
            answer = self.expect(
                self.client.transfer("GET", url),
                OK,
                rule="upload URL: a finished file is served at its address (200)",
            )
            return answer.text.encode()

    def tampered_url(self, ticket: UploadTicket, tampering: str) -> str:
        """The ticket's upload URL altered in one way (a name of TAMPERINGS)."""
        return TAMPERINGS[tampering](ticket)

    def wait_until_url_expired(self, ticket: UploadTicket) -> None:
        """Let the ticket's URL run out on the target's clock (its lifetime and a second);
        skips the test where time cannot pass that fast (steps.let_time_pass)."""
        if ticket.issued is None:
            pytest.skip(
                "the target's upload URLs live an unknown time: its answer to /prepareupload "
                "has no Date header to read `expires` against"
            )
        lifetime = ticket.expires - ticket.issued
        self.let_time_pass(lifetime + 1, until="the upload URL has expired")
