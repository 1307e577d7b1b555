"""Steps: updatedata, updatestatus, channel subscriptions, the profile's extra data."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from nexx_conformance.client import Session, form_fields
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import OK
from nexx_conformance.steps.base import StepsBase
from nexx_conformance.users import User


@dataclass(frozen=True)
class ChannelSubscription:
    """How the user is told about new media in a channel."""

    channel: int
    by_mail: bool
    by_push: bool

    @classmethod
    def of(cls, stored: dict) -> ChannelSubscription:
        return cls(stored["channel"], stored["viamail"] == 1, stored["viapush"] == 1)


@dataclass(frozen=True)
class JoinedItem:
    """An event or group (team) the profile lists as joined."""

    id: int
    title: str
    joined: int


@dataclass(frozen=True)
class Joined:
    """The profile's `events` and `groups`; None where the profile has no such field."""

    events: list[JoinedItem] | None
    groups: list[JoinedItem] | None


def joined_items(entries) -> list[JoinedItem] | None:
    if entries is None:
        return None
    return [JoinedItem(entry["ID"], entry["title"], entry["joined"]) for entry in entries]


class Profile(StepsBase):
    def try_profile(self, session: Session, **fields) -> ApiResponse:
        """GET /user/profile; asserts nothing (for refusals)."""
        with self.step("try to read the profile"):
            return session.get("user/profile", **fields)

    def try_update_details(
        self, session: Session, *, connected_form=None, **details
    ) -> ApiResponse:
        """PUT /user/updatedata with `details` (lastname=..., country=...) and the id of the
        nexxOMNIA form that validates them; asserts nothing (for refusals)."""
        with self.step(f"try to update {', '.join(details) or 'nothing'}"):
            return session.put("user/updatedata", connectedForm=connected_form, **details)

    def update_details(
        self, session: Session, user: User, *, connected_form=None, **details
    ) -> ApiResponse:
        """Change the user's details; a new email address is kept for the cleanup."""
        with self.step(f"update {', '.join(details) or 'nothing'}"):
            answer = self.expect(
                session.put("user/updatedata", connectedForm=connected_form, **details),
                OK,
                rule="updatedata: the details sent are stored (200)",
            )
            assert answer.fields.get("status") == "updated", f"updatedata: result {answer.result}"
            if "email" in details:
                user.email = details["email"]
            return answer

    def try_update_status(self, session: Session, status: str) -> ApiResponse:
        """Send PUT /user/updatestatus; asserts nothing."""
        with self.step(f"try to set the status update to {status!r}"):
            return session.put("user/updatestatus", status=status)

    def update_status(self, session: Session, status: str) -> ApiResponse:
        """Set the status update shown with the profile ("" clears it)."""
        with self.step(f"set the status update to {status!r}"):
            answer = self.expect(
                session.put("user/updatestatus", status=status),
                OK,
                rule="updatestatus: the status update is stored (200)",
            )
            assert answer.fields.get("status") == "updated", f"updatestatus: result {answer.result}"
            return answer

    def subscribe_channel(
        self,
        session: Session,
        channel: int,
        *,
        by_mail: bool | None = None,
        by_push: bool | None = None,
    ) -> ChannelSubscription:
        """Tell the target how the user wants to hear of a channel; a flag not given is not sent."""
        # The contract takes these as query parameters, even on a PUT.
        query = urlencode(form_fields({"channel": channel, "viamail": by_mail, "viapush": by_push}))
        with self.step(f"subscribe to channel {channel} ({query})"):
            answer = self.expect(
                session.put(f"user/updatechannelsubscriptions?{query}"),
                OK,
                rule="updatechannelsubscriptions: the subscription is stored (200)",
            )
            return ChannelSubscription.of(answer.fields)

    def channel_subscriptions(self, session: Session) -> list[ChannelSubscription]:
        """The channel subscriptions the profile lists."""
        return [
            ChannelSubscription.of(stored)
            for stored in self.profile(session)["channelsubscriptions"]
        ]

    def joined(self, session: Session) -> Joined:
        """The joined events and groups the profile lists with addEventData=1 and addGroupData=1."""
        profile = self.profile(session, addEventData=1, addGroupData=1)
        return Joined(joined_items(profile.get("events")), joined_items(profile.get("groups")))
