"""A software authenticator app: enrolled from an otpauth:// URI, gives TOTP codes."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp

from nexx_conformance.stand_ins import StandIns

# A code of the step after the current one is accepted: servers allow one step of clock
# drift either side (RFC 6238 6; pyotp's valid_window=1, the reference server's VALID_WINDOW).
ACCEPTED_STEPS_AHEAD = 1


class EnrolmentError(ValueError):
    """The otpauth URI the server gave cannot be enrolled."""


class AuthenticatorApp:
    """Holds one TOTP secret; never hands out the same time step twice.

    Servers refuse a code of a time step at or before the last one used (RFC 6238 5.2) and
    accept a code of the neighbouring steps (clock drift, RFC 6238 6). So a second code
    inside the same 30 s window is the next step's code, at once; only a third one in the
    same window waits. A server that accepted no step ahead would refuse that second code.
    """

    def __init__(
        self,
        secret: str,
        *,
        account: str = "",
        digits: int = 6,
        period: int = 30,
        clock=time.time,
        sleep=time.sleep,
    ) -> None:
        self._totp = pyotp.TOTP(secret, digits=digits, interval=period)
        self.account = account
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._last_step: int | None = None

    def __repr__(self) -> str:
        return f"AuthenticatorApp(account={self.account!r}, secret='***')"

    @classmethod
    def from_uri(cls, uri: str, **kwargs) -> AuthenticatorApp:
        parts = urlsplit(uri)
        if parts.scheme != "otpauth" or parts.netloc != "totp":
            raise EnrolmentError("expected an otpauth://totp/... URI")
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if "secret" not in query:
            raise EnrolmentError("the otpauth URI has no secret")
        try:
            pyotp.TOTP(query["secret"]).now()
        except ValueError:  # binascii.Error is a ValueError
            raise EnrolmentError("the otpauth URI's secret is not base32") from None
        return cls(
            query["secret"],
            account=unquote(parts.path.lstrip("/")),
            digits=int(query.get("digits", 6)),
            period=int(query.get("period", 30)),
            **kwargs,
        )

    def code_at(self, step: int) -> str:
        return self._totp.generate_otp(step)

    def current_step(self) -> int:
        return int(self._clock() // self.period)

    def code(self) -> str:
        """The code of the first time step not handed out yet that a server accepts now.

        That is the current step, or the next one when the current step was used (no wait:
        servers accept one step ahead). Only when the next step was used as well does it
        sleep, until the step after the used one is the next step (at most one period).
        """
        step = self.current_step()
        if self._last_step is not None and step <= self._last_step:
            step = self._last_step + 1
            too_early = (step - ACCEPTED_STEPS_AHEAD) * self.period - self._clock()
            if too_early > 0:
                self._sleep(too_early + 0.05)
        self._last_step = step
        return self.code_at(step)


class ReplayedAuthenticatorApp:
    """In replay the enrolment URI was scrubbed from the cassette: each code asked for is a
    new stand-in (nexx_conformance.stand_ins), as each code of a real app is of a new
    time step, so the cassette's per-value placeholders match the recorded ones."""

    account = "replay"

    def __init__(self, stand_ins: StandIns) -> None:
        self.stand_ins = stand_ins

    def code(self) -> str:
        return self.stand_ins.code()
