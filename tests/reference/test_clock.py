"""The server's clock: the test-only control that turns it forward moves every rule that
reads the time, and putting it back restores the system's time."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.client import NexxClient
from nexx_conformance.status import NOT_FOUND, OK, UNAUTHORIZED
from nexx_reference import clock

from .test_registration import authorization_token

A_DAY_AND_AN_HOUR = 25 * 3600


@pytest.fixture
def turned_clock() -> Iterator[None]:
    """The server's clock, put back after the test whatever happens."""
    yield
    clock.put_back()


def test_the_clock_is_the_systems_until_turned(turned_clock) -> None:
    assert abs(clock.now() - time.time()) < 1
    clock.turn_forward(A_DAY_AND_AN_HOUR)
    assert abs(clock.now() - time.time() - A_DAY_AND_AN_HOUR) < 1
    clock.put_back()
    assert clock.turned() == 0


def test_the_clock_does_not_turn_back(turned_clock) -> None:
    with pytest.raises(ValueError, match="only turns forward"):
        clock.turn_forward(-1)


def test_a_mail_token_expires_when_the_clock_passes_its_lifetime(
    turned_clock, api: NexxClient, mailbox: SmtpSink
) -> None:
    token = authorization_token(api, mailbox)
    clock.turn_forward(A_DAY_AND_AN_HOUR)
    assert api.init().post(f"user/authorize/{token}").status == NOT_FOUND
    clock.put_back()
    assert api.init().post(f"user/authorize/{token}").status == OK


def test_a_session_expires_with_the_clock_too(turned_clock, api: NexxClient) -> None:
    session = api.init()
    clock.turn_forward(A_DAY_AND_AN_HOUR)
    assert session.keepalive().status == UNAUTHORIZED
