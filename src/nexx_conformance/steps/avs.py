"""Steps: age verification (prepareavsupdate, finishavsupdate).

An age verification is a transaction: /prepareavsupdate opens it for an age class and names
the provider's page, the user passes (or fails) the check there, and /finishavsupdate
reports the provider's result. A verified transaction raises the age class in the profile.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from nexx_conformance.client import Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import OK
from nexx_conformance.steps.base import StepsBase

# Any well-formed provider code (2-32 lowercase letters or digits); the contract names
# idnow among its examples. A staging domain must have an AVS contract with it.
AVS_PROVIDER = "idnow"


@dataclass(frozen=True)
class AvsTransaction:
    """An age verification the target started: what /finishavsupdate needs."""

    transaction: int
    provider: str
    ageclass: int
    url: str
    expires: int

    @classmethod
    def of(cls, result: dict) -> AvsTransaction:
        # The fields are named as /prepareavsupdate names them.
        return cls(*(result[field.name] for field in fields(cls)))


@dataclass(frozen=True)
class AvsOutcome:
    """The target's answer to a provider's result: the transaction's status and the age
    class the user has after it."""

    transaction: int
    verified: bool
    ageclass: int

    @classmethod
    def of(cls, result: dict) -> AvsOutcome:
        return cls(result["transaction"], result["status"] == "verified", result["ageclass"])


class Avs(StepsBase):
    def request_age_verification(
        self, session: Session, ageclass: int, *, provider: str = AVS_PROVIDER
    ) -> ApiResponse:
        """Ask to verify the user for `ageclass`. Asserts nothing: the caller says what it expects."""
        with self.step(f"ask {provider} to verify age class {ageclass}"):
            return session.post("user/prepareavsupdate", provider=provider, ageclass=ageclass)

    def start_age_verification(
        self, session: Session, ageclass: int, *, provider: str = AVS_PROVIDER
    ) -> AvsTransaction:
        """A started age verification for `ageclass`; fails unless the target starts it."""
        with self.step(f"start an age verification by {provider} for age class {ageclass}"):
            answer = self.expect(
                session.post("user/prepareavsupdate", provider=provider, ageclass=ageclass),
                OK,
                rule="prepareavsupdate: a verification for an age class the user lacks starts (200)",
            )
            return AvsTransaction.of(answer.fields)

    def report_avs_result(
        self, session: Session, transaction: AvsTransaction | int, *, passed: bool
    ) -> ApiResponse:
        """Report the provider's result for a transaction. Asserts nothing."""
        number = transaction.transaction if isinstance(transaction, AvsTransaction) else transaction
        with self.step(f"report that AVS transaction {number} {'passed' if passed else 'failed'}"):
            return self._send_avs_result(session, number, passed)

    @staticmethod
    def _send_avs_result(session: Session, number: int, passed: bool) -> ApiResponse:
        return session.post("user/finishavsupdate", transaction=number, transactionresult=passed)

    def finish_age_verification(
        self, session: Session, transaction: AvsTransaction, *, passed: bool
    ) -> AvsOutcome:
        """The outcome of reporting the provider's result; fails unless the target accepts it."""
        number = transaction.transaction
        with self.step(f"finish AVS transaction {number}: {'passed' if passed else 'failed'}"):
            answer = self.expect(
                self._send_avs_result(session, number, passed),
                OK,
                rule="finishavsupdate: the user's open transaction is finished once (200)",
            )
            return AvsOutcome.of(answer.fields)

    def age_class(self, session: Session) -> int:
        """The verified age class the profile shows (0 until a verification succeeded)."""
        with self.step("read the age class from the profile"):
            answer = self.expect(
                session.get("user/profile"),
                OK,
                rule="profile: a logged-in user reads the own profile (200)",
            )
            return answer.fields["ageclass"]
