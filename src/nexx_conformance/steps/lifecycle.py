"""Steps: push devices, takeout, welcome mail, unsubscribe, unregister."""

from __future__ import annotations

from urllib.parse import quote

from nexx_conformance.client import Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import OK
from nexx_conformance.steps.accounts import Registration
from nexx_conformance.steps.base import StepsBase
from nexx_conformance.users import User


class Lifecycle(StepsBase):
    def session_device(self, session: Session) -> str:
        """The device hash (nxp_devh) the target knows the session by (POST /session/keepalive)."""
        with self.step("which device is the session's? (keepalive)"):
            return self._kept_alive(session)["device"]["id"]

    def login_state(self, session: Session) -> str:
        """logged-in or anonymous, as the target says in keepalive."""
        with self.step("is the session logged in? (keepalive)"):
            return self._kept_alive(session)["loginstate"]

    def _kept_alive(self, session: Session) -> dict:
        answer = self.expect(
            session.keepalive(), OK, rule="keepalive: a session is kept alive (200)"
        )
        return answer.fields

    def register_device_for_push(self, session: Session, push_token: str) -> str:
        """Register the session's device for push messages (200); the device hash pushed to.

        The answer's `push: 1` is a constant of the contract, checked with every answer."""
        with self.step(f"register the session's device for push with token {push_token!r}"):
            answer = self.expect(
                session.post("user/registerdeviceforpush", token=push_token),
                OK,
                rule="registerdeviceforpush: the session's device receives push (200)",
            )
            return answer.fields["device"]

    def request_takeout(self, session: Session) -> int:
        """Request the export of the user's data (200); the takeout's id. The mail follows.

        The answer's `status: requested` is a constant of the contract, checked with every answer."""
        with self.step("request a takeout of the user's data"):
            answer = self.expect(
                session.post("user/requesttakeout"),
                OK,
                rule="requesttakeout: a logged-in user requests an export (200)",
            )
            return answer.fields["takeout"]

    def try_resend_welcome_mail(self, session: Session, user_id: int) -> ApiResponse:
        """POST /user/resendwelcomemail for a user; asserts nothing (for refusals)."""
        with self.step(f"ask to resend the registration mail of user {user_id}"):
            return session.post("user/resendwelcomemail", forUserID=user_id)

    def resend_welcome_mail(self, eternal: Session, user: User) -> str:
        """The backend resends the user's registration mail; returns the mail type it names."""
        with self.step(f"the backend resends the registration mail of {user.name}"):
            answer = self.expect(
                eternal.post("user/resendwelcomemail", forUserID=user.user_id),
                OK,
                rule="resendwelcomemail: the eternal session resends a user's mail (200)",
            )
            return answer.fields["mailtype"]

    def unsubscribe(self, session: Session) -> ApiResponse:
        """Leave every newsletter and channel subscription by mail (200)."""
        with self.step("unsubscribe from every newsletter"):
            answer = self.expect(
                session.delete("user/unsubscribe"),
                OK,
                rule="unsubscribe: a logged-in user leaves every newsletter (200)",
            )
            status = answer.fields.get("status")
            assert status == "unsubscribed", f"unsubscribe: result {answer.result}"
            return answer

    def unregister(self, session: Session, user: User) -> ApiResponse:
        """Remove the logged-in user for good."""
        with self.step(f"unregister {user.name}"):
            answer = self.expect(
                session.delete("user/unregister"),
                OK,
                rule="unregister: a logged-in user removes the account (200)",
            )
            result = answer.fields
            assert (result.get("ID"), result.get("status")) == (user.user_id, "removed"), (
                f"unregister: result {result}, expected the removal of user {user.user_id}"
            )
            return answer

    def register_again(self, user: User) -> Registration:
        """Register a new account with the username and email of a removed one."""
        again = self.user_details(user.domain_id)
        again.username, again.email = user.username, user.email
        return self.register(again)

    def is_free(self, name: str) -> bool:
        """Whether a username or email address belongs to no account (verifyaccountdetailsunique)."""
        with self.step(f"is {name} free?"):
            answer = self.expect(
                self.session().post(f"user/verifyaccountdetailsunique/{quote(name, safe='@')}"),
                OK,
                rule="verifyaccountdetailsunique: says whether a name is free (200)",
            )
            return answer.fields.get("unique") == 1
