"""The stand-ins replay hands out: a new one each time, never a code a test would make up."""

from __future__ import annotations

from itertools import pairwise

from nexx_conformance.authenticators.totp import ReplayedAuthenticatorApp
from nexx_conformance.channels import TOKEN_LINK
from nexx_conformance.channels.replayed import ReplayedChannel
from nexx_conformance.stand_ins import StandIns

MADE_UP_CODES = {"000000", "000001", "123456", "111111", "999999", "654321", "100000"}


def test_codes_do_not_repeat_and_are_not_made_up_ones():
    stand_ins = StandIns()
    codes = [stand_ins.code() for _ in range(100_000)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert not MADE_UP_CODES & set(codes)


def test_consecutive_codes_are_not_neighbours():
    # A test's wrong code is often the right one plus one: it must not be the next stand-in.
    stand_ins = StandIns()
    codes = [int(stand_ins.code()) for _ in range(1_000)]
    assert all(abs(a - b) > 1 for a, b in pairwise(codes))


def test_each_replayed_message_carries_its_own_token_and_code():
    channel = ReplayedChannel(StandIns())
    messages = [
        channel.wait_for("qa_replay_1@example.test", "authorize"),
        channel.wait_for("qa_replay_1@example.test", "resetpassword"),
        channel.wait_for("+4915112345678"),
    ]
    assert len({message.token for message in messages}) == 3
    assert len({message.code for message in messages}) == 3
    assert all(TOKEN_LINK.search(f"/authorize/{message.token}") for message in messages)


def test_the_channel_and_the_app_of_one_replay_never_share_a_code():
    stand_ins = StandIns()
    channel, app = ReplayedChannel(stand_ins), ReplayedAuthenticatorApp(stand_ins)
    codes = [channel.wait_for("+4915112345678").code, app.code(), channel.wait_for("+49").code]
    assert len(set(codes)) == 3
