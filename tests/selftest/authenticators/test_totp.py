import pyotp
import pytest

from nexx_conformance.authenticators.totp import (
    AuthenticatorApp,
    EnrolmentError,
    ReplayedAuthenticatorApp,
)

SECRET = pyotp.random_base32()
URI = f"otpauth://totp/nexx:ann?secret={SECRET}&issuer=nexx&digits=6&period=30"


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_code_is_what_the_server_verifies():
    app = AuthenticatorApp.from_uri(URI)
    assert app.account == "nexx:ann"
    assert pyotp.TOTP(SECRET).verify(app.code(), valid_window=1)


def test_second_code_waits_for_the_next_time_step():
    clock = Clock(1_000_000_005.0)
    app = AuthenticatorApp.from_uri(URI, clock=clock, sleep=clock.sleep)
    first = app.code()
    second = app.code()
    assert first != second or clock.now >= 1_000_000_010
    assert clock.now >= (1_000_000_005 // 30 + 1) * 30
    assert second == pyotp.TOTP(SECRET).at(clock.now)


def test_replayed_apps_hand_out_a_new_code_each_time():
    one, other = ReplayedAuthenticatorApp(), ReplayedAuthenticatorApp()
    codes = [one.code(), one.code(), other.code()]
    assert len(set(codes)) == 3
    assert all(len(code) == 6 and code.isdigit() for code in codes)


@pytest.mark.parametrize("uri", [
    pytest.param("https://x/?secret=ABC", id="not-otpauth"),
    pytest.param("otpauth://totp/nexx:ann?issuer=nexx", id="no-secret"),
    pytest.param("otpauth://totp/nexx:ann?secret=not!base32", id="bad-secret"),
])
def test_bad_uri_is_refused(uri):
    with pytest.raises(EnrolmentError):
        AuthenticatorApp.from_uri(uri)


def test_secret_not_in_repr():
    assert SECRET not in repr(AuthenticatorApp.from_uri(URI))
