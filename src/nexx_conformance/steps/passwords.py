"""Steps: request and use a password reset, change and verify the password.

The steps keep `user.password` current: whenever the target accepts a new password, the
user's record says so, so a later login and the cleanup use the password that works.
"""

from __future__ import annotations

from nexx_conformance.client import Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import FORBIDDEN, OK
from nexx_conformance.steps.base import StepsBase
from nexx_conformance.users import User, new_password


class Passwords(StepsBase):
    def request_password_reset(self, user: User, known_as: str) -> ApiResponse:
        """Ask for a reset mail for the account known as `known_as` (email, username or phone)."""
        with self.step(f"request a password reset for {user.name}"):
            return self._reset_mail_asked(known_as, user.domain_id)

    def ask_for_reset_mail(self, known_as: str, domain_id: int | None = None) -> ApiResponse:
        """GET /user/requestpass: the same answer whether or not an account is known as that."""
        with self.step(f"ask for a password reset mail for {known_as}"):
            return self._reset_mail_asked(known_as, domain_id)

    def _reset_mail_asked(self, known_as: str, domain_id: int | None) -> ApiResponse:
        answer = self.session(domain_id).get("user/requestpass", token=known_as)
        self.expect(answer, OK, rule="requestpass: the request is taken (200), account or not")
        result = answer.fields
        if result.get("status") != "requested":
            raise AssertionError(
                f"requestpass: result status {result.get('status')!r}, not 'requested'"
            )
        return answer

    def reset_token(self, user: User) -> str:
        """The token of the link in the user's reset mail."""
        with self.step(f"the password reset mail reaches {user.email}"):
            return self.mailed_token(user.email, "resetpassword")

    def reset_password(self, user: User, token: str) -> str:
        """Set a new password with the reset link's `token`; returns the password it replaced."""
        with self.step(f"set a new password for {user.name} with the reset link"):
            old, answer = user.password, self._send_reset(user, token, None)
            self.expect(
                answer, OK, rule="resetpassword: the mailed token sets the new password (200)"
            )
            changed = answer.fields.get("ID")
            if user.user_id is not None and changed != user.user_id:
                raise AssertionError(
                    f"resetpassword: the token changed account {changed}, "
                    f"not {user.name}'s ({user.user_id})"
                )
            return old

    def try_reset(self, user: User, token: str, password: str | None = None) -> ApiResponse:
        """Send /user/resetpassword/{token} with `password` (a fresh one by default); asserts
        nothing. If the target accepts it, it is the user's password from now on."""
        with self.step(f"send a new password for {user.name} with a reset token"):
            return self._send_reset(user, token, password)

    def _send_reset(self, user: User, token: str, password: str | None) -> ApiResponse:
        password = password or new_password()
        answer = self.session(user.domain_id).post(
            f"user/resetpassword/{token}", newpassword=password
        )
        if answer.status == OK:
            user.password = password
        return answer

    def change_password(self, user: User, session: Session) -> str:
        """Change the password of the logged-in `user` (knowing the current one); returns the
        password it replaced."""
        with self.step(f"change {user.name}'s password"):
            old, answer = user.password, self._send_password_change(user, session, user.password)
            self.expect(
                answer, OK, rule="changepassword: the current password allows a new one (200)"
            )
            return old

    def try_password_change(self, user: User, session: Session, *, current: str) -> ApiResponse:
        """Send /user/changepassword from `current` to a fresh password; asserts nothing. If the
        target accepts it, it is the user's password from now on."""
        with self.step(f"try to change {user.name}'s password"):
            return self._send_password_change(user, session, current)

    def _send_password_change(self, user: User, session: Session, current: str) -> ApiResponse:
        password = new_password()
        answer = session.put("user/changepassword", currentpassword=current, newpassword=password)
        if answer.status == OK:
            user.password = password
        return answer

    def verify_password(self, session: Session, password: str) -> bool:
        """Whether `password` is the logged-in user's (verifypassword)."""
        with self.step("is this the user's password? (verifypassword)"):
            answer = session.post("user/verifypassword", password=password)
            self.expect(answer, OK, rule="verifypassword: a match or a mismatch is answered (200)")
            matches = answer.fields.get("matches")
            if matches not in (0, 1):
                raise AssertionError(f"verifypassword: `matches` is {matches!r}, not 0 or 1")
            return matches == 1

    def only_the_new_password_logs_in(self, user: User, old_password: str) -> None:
        """The user's current password logs in, `old_password` is refused."""
        # log_in and logged_in are the Accounts steps (Steps joins both areas).
        self.logged_in(user)
        old = self.log_in(user, password=old_password)
        with self.step("the old password no longer logs in"):
            self.refused(
                old.answer,
                rule="login: a replaced password is refused (403)",
                statuses=(FORBIDDEN,),
            )

    @staticmethod
    def wrong_password() -> str:
        """A password that fits the rule and is nobody's."""
        return new_password()
