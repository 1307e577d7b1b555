"""The bundled reference server as a target: ours to change. It is always the correct
server (no fault or variant of nexx_reference.faults is ever switched on for it, whatever
the environment), its secret is made up per run, and its mails go to our own SMTP sink."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nexx_conformance import constants as c
from nexx_conformance.config import ConfigError
from nexx_conformance.targets import configured_target
from nexx_conformance.targets.reference import reference_settings


def reference(**given):
    return configured_target(lambda name: given.get(name), {})


def test_the_in_process_target_switches_no_fault_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # Names an earlier design read from the environment: they must change nothing.
    monkeypatch.setenv("NEXX_REFERENCE_FAULTS", "signature-not-checked")
    monkeypatch.setenv("NEXX_REFERENCE_VARIANTS", "gzip")
    config = SimpleNamespace(
        domain_id=4711,
        domain_secret="s3cret",
        eternal_cid=None,
        extra_domains={c.DOMAIN_AUTOAUTHORIZE: 4712, c.DOMAIN_SMS_2FA: 4713},
    )
    assert reference_settings(config, None, None).faults == ()


def test_each_run_gets_its_own_secret_and_eternal_session():
    first, second = reference().config, reference().config
    assert len(first.domain_secret) >= 20 and first.domain_secret != second.domain_secret
    assert first.eternal_cid and first.eternal_cid != second.eternal_cid


def test_everything_runs_and_guessed_rules_fail_on_our_own_server():
    config = reference().config
    assert config.allow_destructive and config.allow_side_effects and config.guessed_rules == "fail"
    assert config.extra_domains == {c.DOMAIN_AUTOAUTHORIZE: 4712, c.DOMAIN_SMS_2FA: 4713}


def test_its_answers_are_tested_as_they_are():
    target = reference()
    assert target.time_passes and target.issues_real_secrets and target.keeps_users
    client = target.client()
    try:
        assert client.retry is False  # a 429 of our own server is an answer under test
    finally:
        client.close()


def test_a_mailpit_mailbox_is_refused():
    with pytest.raises(ConfigError, match="own SMTP sink"):
        reference(mailbox="mailpit+http://127.0.0.1:8025").open_mailbox()
