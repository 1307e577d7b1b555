"""A replay: the cassettes answer, with stand-ins for every secret, and time stands still."""

import pytest

from nexx_conformance import constants as c
from nexx_conformance.authenticators.totp import ReplayedAuthenticatorApp
from nexx_conformance.targets import configured_target

pytest_plugins = ["pytester"]


def replay(**given):
    return configured_target(lambda name: {"target": "replay", **given}.get(name), {})


def test_a_replay_signs_with_a_placeholder_whatever_was_given():
    config = replay(domain_secret="real").config
    assert config.domain_secret == c.REPLAY_SECRET and config.base_url == c.REPLAY_BASE_URL


def test_run_id_and_names_are_the_ones_the_cassettes_store():
    target = replay()
    assert target.new_run_id("gw3") == c.REPLAY_RUN_ID
    assert target.name_prefix(target.new_run_id("gw3"), 7) == "qa_replay_"


def test_what_a_replay_cannot_do_it_says():
    target = replay()
    assert not target.time_passes and not target.issues_real_secrets and not target.keeps_users
    assert target.forced_record_mode == "none"


def test_mails_sms_and_app_codes_are_stand_ins():
    target = replay()
    target.start()
    first, second = (target.mailbox.wait_for("ann@example.test", "authorize") for _ in range(2))
    assert first.token != second.token and target.sms_inbox.wait_for("+49").code
    assert isinstance(
        target.authenticator_app("otpauth://totp/x?secret=ABC"), ReplayedAuthenticatorApp
    )


def test_a_replay_blocks_the_network_and_cannot_record(pytester):
    config = pytester.parseconfigure("--target", "replay")
    assert config.option.record_mode == "none" and config.option.block_network
    with pytest.raises(pytest.UsageError, match="cannot record"):
        replay().choose_recording(pytester.parseconfig("--record-mode", "rewrite"))
