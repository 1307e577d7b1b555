"""The steps ask the target what it can do, never which kind it is: a replay waits for
nothing and hands out stand-in second factors; a live target gets real ones."""

from __future__ import annotations

import time

import pyotp

from nexx_conformance.authenticators.totp import AuthenticatorApp, ReplayedAuthenticatorApp
from nexx_conformance.steps import Steps
from nexx_conformance.steps.second_factors import AppEnrolment
from nexx_conformance.targets import configured_target

SECRET = pyotp.random_base32()
URI = f"otpauth://totp/nexx:ann?secret={SECRET}&issuer=nexx"


def steps_on(target_value: str) -> Steps:
    target = configured_target(
        lambda name: {"target": target_value, "domain_secret": "x"}.get(name), {}
    )
    return Steps(
        client=None, users=None, domains={}, target=target, mailbox=None, sms_inbox=None, story=None
    )


def test_a_replay_does_not_wait_for_time_to_pass():
    started = time.monotonic()
    steps_on("replay").wait_a_second_since(time.monotonic())
    assert time.monotonic() - started < 0.5


def test_a_live_target_gets_the_second_it_waits_for():
    started = time.monotonic()
    steps_on("https://staging.example/v3.1").wait_a_second_since(time.monotonic() - 0.8)
    assert time.monotonic() - started >= 0.15


def test_second_factors_are_stand_ins_in_a_replay_and_real_elsewhere():
    enrolment = AppEnrolment(process=1, secret=SECRET, uri=URI)
    assert isinstance(steps_on("replay").app_from(enrolment), ReplayedAuthenticatorApp)
    app = steps_on("https://staging.example/v3.1").app_from(enrolment)
    assert isinstance(app, AuthenticatorApp) and app.code_at(7) == pyotp.TOTP(SECRET).generate_otp(
        7
    )
