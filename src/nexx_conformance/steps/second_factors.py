"""Steps: SMS codes, authenticator apps (TOTP), security keys (WebAuthn), held logins.

A login that waits for a second factor is answered 202 with a `loginstate`; the steps
here enrol the factors, hold a login and finish it (contract: paths/twofactor.yaml).
Every enrolled factor is appended to `user.second_factors`, and the session that enrolled
it becomes `user.cid`: the end-of-run cleanup reaches the user through either.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyotp

from nexx_conformance import constants as c
from nexx_conformance.authenticators.totp import AuthenticatorApp, ReplayedAuthenticatorApp
from nexx_conformance.client import Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import ACCEPTED, FORBIDDEN, OK, TOO_MANY_REQUESTS
from nexx_conformance.steps.base import Login, StepsBase, server_time
from nexx_conformance.users import User

if TYPE_CHECKING:
    # The key itself comes from the target (Target.security_key), which imports it.
    from nexx_conformance.authenticators.webauthn import SecurityKey

NEEDS_CODE, NEEDS_KEY, LOGGED_IN = "needs-device-code", "needs-u2f", "logged-in"
SMS, APP = "sms", "app"
# The relying party of the security keys: WebAuthn binds a key to it, origin https://{host}.
KEY_HOST = "www.example.org"
# contract: paths/twofactor.yaml#/authorizedevice - "after 5 wrong codes in a row the held
# login is throttled: every code, right or wrong, answers 429 with Retry-After".
WRONG_CODES_BEFORE_THROTTLE = 5
# A German mobile number (E.164): +49 176 and 8 digits.
PHONE_PREFIX = "+49176"


@dataclass(frozen=True)
class KeyCodeSent:
    """The answer to /user/requestkeycode: where the new code went (masked), until when."""

    to: str
    expires: int
    answered_at: float  # the target's clock (Date header), to read `expires` against
    text: str = field(repr=False)  # the whole answer, to look for what it must not show


@dataclass(frozen=True)
class AppEnrolment:
    """An open enrolment of an authenticator app: the process and the otpauth:// URI."""

    process: int
    secret: str = field(repr=False)
    uri: str = field(repr=False)


AnyAuthenticatorApp = AuthenticatorApp | ReplayedAuthenticatorApp


def wrong_code(code: str) -> str:
    """A 6-digit code that is surely not `code`."""
    return f"{(int(code) + 1) % 10**6:06d}"


def session_of(held: Login | Session) -> Session:
    return held.session if isinstance(held, Login) else held


class SecondFactors(StepsBase):
    # -- held logins -----------------------------------------------------------------------

    def held_login(
        self,
        user: User,
        *,
        device: str | None = None,
        loginstate: str = NEEDS_CODE,
        codetype: str | None = None,
    ) -> Login:
        """A login from `device` (a new one by default) that the target holds (202) for a factor."""
        login = self.log_in(user, device=device or self.new_device())
        with self.step(f"the login waits for a second factor ({codetype or loginstate})"):
            self.expect(
                login.answer, ACCEPTED, rule="login: a login due a second factor is held (202)"
            )
            assert login.loginstate == loginstate, (
                f"loginstate {login.loginstate!r}, expected {loginstate!r}"
            )
            if codetype is not None:
                held_for = login.result.get("codetype")
                assert held_for == codetype, f"codetype {held_for!r}, expected {codetype!r}"
            return login

    def expect_logged_in(self, answer: ApiResponse, user: User | None, *, rule: str) -> ApiResponse:
        """`answer` finished a held login: 200, `loginstate` logged-in, as `user`."""
        self.expect(answer, OK, rule=rule)
        result = answer.fields
        assert result.get("loginstate") == LOGGED_IN, f"loginstate {result.get('loginstate')!r}"
        if user is not None and user.user_id is not None:
            logged_in_as = (result.get("user") or {}).get("ID")
            assert logged_in_as == user.user_id, (
                f"logged in as user {logged_in_as}, not {user.user_id}"
            )
        return answer

    def authorize_device(
        self, held: Login | Session, code: str, codetype: str = SMS
    ) -> ApiResponse:
        """Send a device code for a held login (/user/authorizedevice); asserts nothing."""
        with self.step(f"send a code of type {codetype} for the held login"):
            return self._send_device_code(held, code, codetype)

    @staticmethod
    def _send_device_code(held: Login | Session, code: str, codetype: str) -> ApiResponse:
        return session_of(held).post("user/authorizedevice", code=code, type=codetype)

    def ask_for_key_code(self, held: Login | Session) -> ApiResponse:
        """Ask for a new SMS code (/user/requestkeycode); asserts nothing."""
        with self.step("ask for a new SMS code"):
            return session_of(held).get("user/requestkeycode")

    # -- SMS -------------------------------------------------------------------------------

    def new_phone(self) -> str:
        """A phone number no other test uses, the same when its recording is replayed.

        Drawn from the test's id, not at random: the number is sent in the registration,
        and a replay must send what was recorded. Per test, so an SMS a test left unread
        is never taken by another one.
        """
        # Numbered within the test: the steps are made anew for each test.
        numbers = self.__dict__.setdefault("_phone_numbers", itertools.count(1))
        digits = int(hashlib.sha256(self.test_id.encode()).hexdigest(), 16) % 10**6
        return f"{PHONE_PREFIX}{digits:06d}{next(numbers) % 100:02d}"

    def phone_user(self) -> User:
        """A registered user on the SMS-2FA domain, logged in once on its own device.

        That first login passed the SMS code, so the user's own device is known and its
        session (`user.cid`) stays logged in for the cleanup (a test may throttle the codes).
        """
        details = self.user_details(self.domain(c.DOMAIN_SMS_2FA))
        details.phone = self.new_phone()
        user = details
        registration = self.register(user)
        if user.needs_authorization:
            self.authorize_by_mail(user, registration.session)
        login = self.log_in(user)
        if login.held:
            self.complete_with_sms(login, user)
        else:
            self.expect(login.answer, OK, rule="login: the right password logs in (200)")
        user.cid = login.session.cid
        return user

    def complete_with_sms(self, login: Login, user: User, code: str | None = None) -> ApiResponse:
        """Finish a held login with the code of the latest SMS to the user's phone (or `code`)."""
        with self.step("finish the held login with the code from the SMS"):
            code = code or self.texted_code(user.phone)
            return self.expect_logged_in(
                self._send_device_code(login, code, SMS),
                user,
                rule="authorizedevice: the SMS code finishes the held login (200)",
            )

    def request_key_code(self, login: Login) -> KeyCodeSent:
        """Ask for a new SMS code for the held login (/user/requestkeycode)."""
        with self.step("request a new SMS code"):
            answer = self.expect(
                session_of(login).get("user/requestkeycode"),
                OK,
                rule="requestkeycode: a held login gets a new SMS code (200)",
            )
            answered = server_time(answer) or time.time()
            sent = answer.fields
            return KeyCodeSent(sent["to"], sent["expires"], answered, answer.text)

    def next_code(self, user: User, *, unlike: str, login: Login) -> str:
        """The code of the next SMS, asking again in the rare case it repeats `unlike`.

        A new code repeats an earlier one once in 10^6 draws; a refusal of the earlier
        code then proves nothing. In replay the recording decided: its placeholders are
        not the codes it saw.
        """
        code = self.texted_code(user.phone)
        for _ in range(3):
            if code != unlike or not self.target.issues_real_secrets:
                return code
            self.request_key_code(login)
            code = self.texted_code(user.phone)
        raise AssertionError("the target sent the same SMS code four times in a row")

    def send_wrong_codes(self, login: Login, right: str, times: int) -> None:
        """`times` wrong codes for the held login, each refused (403)."""
        with self.step(f"send {times} wrong codes"):
            for _ in range(times):
                self.refused(
                    self._send_device_code(login, wrong_code(right), SMS),
                    rule="authorizedevice: a wrong code is refused (403)",
                    statuses=(FORBIDDEN,),
                )

    def expect_throttled(self, login: Login, code: str) -> int:
        """The SMS code is refused 429 with Retry-After; the seconds to wait."""
        with self.step("the code is refused: the held login is throttled (429)"):
            with self._no_retries(login.session):
                answer = self._send_device_code(login, code, SMS)
            rule = (
                f"authorizedevice: after {WRONG_CODES_BEFORE_THROTTLE} wrong codes every code "
                "answers 429 with Retry-After"
            )
            self.refused(answer, rule=rule, statuses=(TOO_MANY_REQUESTS,))
            retry_after = answer.headers.get("Retry-After", "")
            assert retry_after.isdigit() and int(retry_after) >= 1, (
                f"{rule}: Retry-After is {retry_after!r}, expected a number of seconds >= 1"
            )
            return int(retry_after)

    @staticmethod
    @contextmanager
    def _no_retries(session: Session) -> Iterator[None]:
        # On a URL target the client retries a 429 as congestion; here it is the answer.
        retry = session.client.retry
        session.client.retry = False
        try:
            yield
        finally:
            session.client.retry = retry

    # -- authenticator apps (TOTP) -----------------------------------------------------------

    def start_app_enrolment(self, session: Session) -> AppEnrolment:
        """/user/prepareregisterauthenticator: a new secret, as an otpauth:// URI."""
        with self.step("start enrolling an authenticator app"):
            answer = self.expect(
                session.post("user/prepareregisterauthenticator"),
                OK,
                rule="prepareregisterauthenticator: a logged-in user starts an enrolment (200)",
            )
            result = answer.fields
            assert result["uri"].startswith("otpauth://totp/"), (
                "the enrolment gives no otpauth://totp/ URI"
            )
            return AppEnrolment(result["process"], result["secret"], result["uri"])

    def app_from(self, enrolment: AppEnrolment) -> AnyAuthenticatorApp:
        """The authenticator app set up by scanning the enrolment's URI."""
        return self.target.authenticator_app(enrolment.uri)

    def finish_app_enrolment(self, session: Session, process: int, code: str | None) -> ApiResponse:
        """/user/finishregisterauthenticator for `process` (with the app's `code`); asserts nothing."""
        with self.step(f"try to finish the enrolment of process {process}"):
            return self._send_app_enrolment(session, process, code)

    @staticmethod
    def _send_app_enrolment(session: Session, process: int, code: str | None) -> ApiResponse:
        fields = {"process": process} if code is None else {"process": process, "code": code}
        return session.post("user/finishregisterauthenticator", **fields)

    def finish_enrolment(
        self,
        session: Session,
        user: User,
        enrolment: AppEnrolment,
        app: AnyAuthenticatorApp,
        code: str | None,
    ) -> AnyAuthenticatorApp:
        """Finish the enrolment (proven by the app's `code`, unless None): `app` is the user's."""
        with self.step(
            "finish the enrolment" + (" with a code of the app" if code else " without a code")
        ):
            answer = self.expect(
                self._send_app_enrolment(session, enrolment.process, code),
                OK,
                rule="finishregisterauthenticator: the user's open process enrols the app (200)",
            )
            assert answer.fields.get("status") == "enrolled", (
                f"status {answer.fields.get('status')!r}"
            )
        self._enrolled(user, session, app)
        return app

    def enrol_authenticator_app(self, session: Session, user: User) -> AnyAuthenticatorApp:
        """Enrol an authenticator app for the user logged in on `session`, proven by a code."""
        enrolment = self.start_app_enrolment(session)
        app = self.app_from(enrolment)
        return self.finish_enrolment(session, user, enrolment, app, app.code())

    def complete_with_app(
        self,
        login: Login,
        app: AnyAuthenticatorApp,
        code: str | None = None,
        user: User | None = None,
    ) -> ApiResponse:
        """Finish a held login with a code of the app (type=app)."""
        with self.step("finish the held login with a code of the authenticator app"):
            answer = self._send_device_code(login, code or app.code(), APP)
            return self.expect_logged_in(
                answer,
                user,
                rule="authorizedevice: a current app code finishes the held login (200)",
            )

    def code_of_another_secret(self, app: AnyAuthenticatorApp) -> str:
        """A current code of a secret the target never issued, surely none `app` gives now."""
        while True:
            code = AuthenticatorApp(pyotp.random_base32()).code()
            if not self.target.issues_real_secrets:
                return code  # replay: the recording decided
            step = app.current_step()
            if code not in {app.code_at(near) for near in (step - 1, step, step + 1)}:
                return code

    # -- security keys (WebAuthn) ------------------------------------------------------------

    def security_key(self) -> SecurityKey:
        """A software security key with no credentials yet."""
        return self.target.security_key()

    def start_key_registration(self, session: Session, host: str = KEY_HOST) -> dict:
        """/user/prepareregisteru2fdevice: the WebAuthn creation options for `host`."""
        with self.step(f"start registering a security key for {host}"):
            answer = self.expect(
                session.post("user/prepareregisteru2fdevice", host=host),
                OK,
                rule="prepareregisteru2fdevice: a logged-in user gets creation options (200)",
            )
            return answer.fields["webauthn"]

    def finish_key_registration(
        self, session: Session, attestation: dict | str, host: str = KEY_HOST
    ) -> ApiResponse:
        """/user/finishregisteru2fdevice with the key's attestation; asserts nothing."""
        with self.step(f"try to finish the registration of a security key for {host}"):
            return self._send_attestation(session, attestation, host)

    @staticmethod
    def _send_attestation(session: Session, attestation: dict | str, host: str) -> ApiResponse:
        token = attestation if isinstance(attestation, str) else json.dumps(attestation)
        return session.post("user/finishregisteru2fdevice", token=token, host=host)

    def register_key(
        self,
        session: Session,
        user: User,
        key: SecurityKey,
        attestation: dict,
        host: str = KEY_HOST,
    ) -> ApiResponse:
        """Finish the registration with the key's `attestation`: the key is the user's."""
        with self.step("finish the registration with the key's attestation"):
            answer = self.expect(
                self._send_attestation(session, attestation, host),
                OK,
                rule="finishregisteru2fdevice: a verified attestation registers the key (200)",
            )
            assert answer.fields.get("host") == host, (
                f"registered for host {answer.fields.get('host')!r}"
            )
            # A replaying key made other credentials than the recorded answer names.
            if self.target.issues_real_secrets:
                assert answer.fields.get("credentialid") == attestation["id"], (
                    "another credential was stored"
                )
        self._enrolled(user, session, key)
        return answer

    def enrol_security_key(self, session: Session, user: User, host: str = KEY_HOST) -> SecurityKey:
        """Register a new software security key for `host` as the user logged in on `session`."""
        key = self.security_key()
        self.register_key(
            session, user, key, key.register(self.start_key_registration(session, host)), host
        )
        return key

    def assertion(self, login: Login, key: SecurityKey, *, origin: str | None = None) -> dict:
        """The key's answer to the held login's WebAuthn request options (from `origin`)."""
        return key.authenticate(login.result["webauthn"], origin=origin)

    def authorize_login(
        self, login: Login, assertion: dict | str, host: str | None = None
    ) -> ApiResponse:
        """Send an assertion for a held login (/user/authorizelogin); asserts nothing."""
        with self.step("send a security key's assertion for the held login"):
            return self._send_assertion(login, assertion, host)

    @staticmethod
    def _send_assertion(login: Login, assertion: dict | str, host: str | None) -> ApiResponse:
        token = assertion if isinstance(assertion, str) else json.dumps(assertion)
        return login.session.post(
            "user/authorizelogin", token=token, host=host or login.result["webauthn"]["rpId"]
        )

    def complete_with_key(
        self, login: Login, key: SecurityKey, user: User | None = None
    ) -> ApiResponse:
        """Finish a held login with a fresh assertion of the key."""
        with self.step("finish the held login with the security key"):
            answer = self._send_assertion(login, self.assertion(login, key), None)
            return self.expect_logged_in(
                answer, user, rule="authorizelogin: a valid assertion finishes the held login (200)"
            )

    # -- bookkeeping -----------------------------------------------------------------------

    @staticmethod
    def _enrolled(user: User, session: Session, factor) -> None:
        # The cleanup completes a held login with these, or uses the enrolling session.
        user.second_factors.append(factor)
        user.cid = session.cid
