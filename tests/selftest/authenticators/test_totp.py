import pyotp
import pytest

from nexx_conformance.authenticators.totp import (
    AuthenticatorApp,
    EnrolmentError,
    ReplayedAuthenticatorApp,
)
from nexx_conformance.stand_ins import StandIns

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


def test_second_code_in_a_window_is_the_next_steps_without_waiting():
    clock = Clock(1_000_000_005.0)
    app = AuthenticatorApp.from_uri(URI, clock=clock, sleep=clock.sleep)
    step = app.current_step()

    first, second = app.code(), app.code()

    assert clock.now == 1_000_000_005.0, "no sleep"
    assert (first, second) == (app.code_at(step), app.code_at(step + 1))
    # What a server with one step of drift (the reference server, pyotp) accepts now.
    assert pyotp.TOTP(SECRET).verify(second, for_time=clock.now, valid_window=1)


def test_third_code_in_a_window_waits_until_its_step_is_accepted():
    clock = Clock(1_000_000_005.0)
    app = AuthenticatorApp.from_uri(URI, clock=clock, sleep=clock.sleep)
    step = app.current_step()
    app.code(), app.code()

    third = app.code()

    assert third == app.code_at(step + 2)
    assert (step + 1) * 30 <= clock.now < (step + 1) * 30 + 1, "waits for the next window only"
    assert pyotp.TOTP(SECRET).verify(third, for_time=clock.now, valid_window=1)


def test_a_code_after_the_window_moved_on_is_of_the_current_step():
    clock = Clock(1_000_000_005.0)
    app = AuthenticatorApp.from_uri(URI, clock=clock, sleep=clock.sleep)
    app.code(), app.code()
    clock.now += 90

    assert app.code() == app.code_at(app.current_step())
    assert clock.now == 1_000_000_095.0


def test_replayed_apps_hand_out_a_new_code_each_time():
    stand_ins = StandIns()  # one replay's
    one, other = ReplayedAuthenticatorApp(stand_ins), ReplayedAuthenticatorApp(stand_ins)
    codes = [one.code(), one.code(), other.code()]
    assert len(set(codes)) == 3
    assert all(len(code) == 6 and code.isdigit() for code in codes)


@pytest.mark.parametrize(
    "uri",
    [
        pytest.param("https://x/?secret=ABC", id="not-otpauth"),
        pytest.param("otpauth://totp/nexx:ann?issuer=nexx", id="no-secret"),
        pytest.param("otpauth://totp/nexx:ann?secret=not!base32", id="bad-secret"),
    ],
)
def test_bad_uri_is_refused(uri):
    with pytest.raises(EnrolmentError):
        AuthenticatorApp.from_uri(uri)


def test_secret_not_in_repr():
    assert SECRET not in repr(AuthenticatorApp.from_uri(URI))
