"""What every step shares: the test's client and channels, named steps, and `expect`.

A step is one thing a user or their app does ("log in from a new device"). It names itself
in the test's story, sends its calls through the signed client (each answer is checked
against the contract by the scenario's contract check), asserts what must hold for the
flow to go on, and returns a small typed result. Failures read as:
step 3 'authorize with the token from the mail' failed: <rule>: expected ..., got ...
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import pytest

from nexx_conformance import constants as c
from nexx_conformance.channels import Channel, Message
from nexx_conformance.client import NexxClient, Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.masking import mask_body
from nexx_conformance.status import ACCEPTED, REFUSED, name_of

if TYPE_CHECKING:
    from nexx_conformance.contract_check import ContractCheck

# How much of an unexpected answer a failure shows (masked): enough to read the hint.
SHOWN_BODY = 600
# The longest a step waits for time to pass on a target whose clock cannot be turned.
LONGEST_WAIT = 10


def duration(seconds: float) -> str:
    """`90 s`, `2 h`, `30 days`: how a step's name tells a span of time."""
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size:g} {unit}"
    return f"{seconds:g} s"


@dataclass
class Login:
    """The answer to a login and the session it was sent on; `held` while a factor is due."""

    session: Session
    answer: ApiResponse

    @property
    def held(self) -> bool:
        return self.answer.status == ACCEPTED

    @property
    def loginstate(self) -> str | None:
        return self.result.get("loginstate")

    @property
    def result(self) -> dict:
        return self.answer.fields


def server_time(answer: ApiResponse) -> float | None:
    """When the target answered, by its own clock (the Date header; a replayed answer keeps
    its recording's), or None without a readable Date."""
    try:
        return parsedate_to_datetime(answer.headers["Date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return None


def shown(answer: ApiResponse) -> str:
    text = mask_body(answer.text) if answer.text else "(no body)"
    return text if len(text) <= SHOWN_BODY else text[:SHOWN_BODY] + " ..."


def unexpected(answer: ApiResponse, rule: str, wanted: str) -> AssertionError:
    hint = f" ({answer.errorhint})" if answer.errorhint else ""
    return AssertionError(
        f"{rule}\n  expected {wanted}, got {name_of(answer.status)}{hint}"
        f"\n  sent: {answer.curl()}\n  came back: {shown(answer)}"
    )


class StepsBase:
    """The context of the steps: one per test (the `steps` fixture)."""

    def __init__(
        self,
        *,
        client: NexxClient,
        users,
        domains,
        target,
        mailbox: Channel | None,
        sms_inbox: Channel | None,
        story: Callable[[str], AbstractContextManager],
        test_id: str = "",
        contract: ContractCheck | None = None,
    ) -> None:
        self.client = client
        # The test's node id: what a value must be derived from when the target stores it and
        # a replay must send it again (a phone number is neither random nor shared by tests).
        self.test_id = test_id
        self.users = users  # the test's UserFactory: names, tracking, cleanup
        self.domains = domains
        # What the steps may rely on: does time pass there, are its codes real (targets.base).
        self.target = target
        self._mailbox = mailbox
        self._sms_inbox = sms_inbox
        self.step = story
        # The test's contract check: it knows how sure the contract is of each status.
        self.contract = contract

    # -- answers -------------------------------------------------------------------------

    def expect(self, answer: ApiResponse, *statuses: int, rule: str) -> ApiResponse:
        """`answer`, if its status is one of `statuses`; else a failure naming the rule.

        On a URL target (--guessed-rules=warn) a status of the same class as an expected one
        (a success for a success, a refusal for a refusal) passes with a warning where the
        contract only guessed the expected status (contracts/evidence.yaml)."""
        __tracebackhide__ = True  # a failure points at the test's line, not at this one
        if answer.status not in statuses:
            if self.contract is not None and self.contract.tolerates_status(answer, statuses):
                return answer
            raise unexpected(answer, rule, " or ".join(name_of(s) for s in statuses))
        return answer

    def refused(
        self, answer: ApiResponse, *, rule: str, statuses: tuple[int, ...] = REFUSED
    ) -> ApiResponse:
        """`answer`, if the target refused the request (and said why in errorhint)."""
        __tracebackhide__ = True
        self.expect(answer, *statuses, rule=rule)
        if not answer.errorhint:
            raise unexpected(answer, rule, "metadata.errorhint saying why it was refused")
        return answer

    # -- sessions and devices ------------------------------------------------------------

    def domain(self, purpose: str = c.DOMAIN_MAIN) -> int:
        """The domain id for a purpose (main, autoauthorize, sms2fa); skips when not configured."""
        return self.domains.require(purpose)

    @staticmethod
    def new_device() -> str:
        """A device hash (nxp_devh) no login has used yet."""
        return secrets.token_hex(16)

    def session(self, domain_id: int | None = None, device: str | None = None) -> Session:
        """A new anonymous session on a domain, from a device (a new one unless given)."""
        client = self.client.for_domain(domain_id or self.client.domain_id)
        return client.init(nxp_devh=device or self.new_device())

    # -- time ------------------------------------------------------------------------------

    def let_time_pass(self, seconds: float, *, until: str) -> None:
        """Let `seconds` pass on the target's clock, `until` what must have run out (say
        "the mailed token has expired"); skips the test where time cannot pass that fast.

        On the bundled server its clock is turned forward at once (a test-only control,
        put back when the test ends); on a live target a wait of up to LONGEST_WAIT
        seconds is waited out; a replay answers with its recording's times."""
        with self.step(f"let {duration(seconds)} pass: {until}"):
            self.time_can_pass(seconds, until=until)
            if self.target.moves_clock:
                self.target.turn_clock_forward(seconds)
            else:
                time.sleep(seconds)

    def time_can_pass(self, seconds: float, *, until: str) -> None:
        """Skips the test where `seconds` cannot pass on the target's clock (see
        `let_time_pass`): call it first, before the test makes a user or a record that the
        skip would leave half done."""
        if self.target.moves_clock or (self.target.time_passes and seconds <= LONGEST_WAIT):
            return
        why = (
            "a replay answers with its recording's times"
            if not self.target.time_passes
            else f"this target's clock cannot be turned and a test waits {LONGEST_WAIT} s at most"
        )
        pytest.skip(
            f"{until} needs {duration(seconds)} to pass on the target's clock: {why}; only the "
            "bundled reference server's clock can be turned forward (its test-only control), "
            "so this is tested with --target reference"
        )

    def put_clock_back(self) -> None:
        """Put the target's clock back to its own time after `let_time_pass` turned it (the
        end of the test does too): what expired by the clock alone is valid again."""
        if self.target.moves_clock:
            with self.step("put the target's clock back to its own time"):
                self.target.put_clock_back()

    # -- out-of-band channels ------------------------------------------------------------

    @property
    def mailbox(self) -> Channel:
        if self._mailbox is None:
            pytest.skip(
                "needs a mailbox: pass --mailbox smtp://HOST:PORT or mailpit+http://HOST:PORT "
                f"(env {c.ENV['mailbox']})"
            )
        return self._mailbox

    @property
    def sms_inbox(self) -> Channel:
        if self._sms_inbox is None:
            pytest.skip(
                f"needs an SMS inbox: pass --sms-inbox webhook://HOST:PORT (env {c.ENV['sms_inbox']})"
            )
        return self._sms_inbox

    def mail(self, recipient: str, kind: str, timeout: float = 10.0) -> Message:
        """The next mail of `kind` (authorize, resetpassword, welcome, takeout, preregister)."""
        return self.mailbox.wait_for(recipient, kind, timeout=timeout)

    def mailed_token(self, recipient: str, kind: str) -> str:
        """The token of the link in the next mail of `kind` to `recipient`."""
        message = self.mail(recipient, kind)
        assert message.token, f"the {kind} mail to {recipient} carries no link with a token"
        return message.token

    def texted_code(self, phone: str, timeout: float = 10.0) -> str:
        """The 6-digit code of the next SMS to `phone`."""
        message = self.sms_inbox.wait_for(phone, timeout=timeout)
        assert message.code, f"the SMS to {phone} carries no 6-digit code"
        return message.code
