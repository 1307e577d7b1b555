"""A live system: we may only call it, with the secret we were given."""

import pytest

from nexx_conformance import constants as c
from nexx_conformance.channels.mailpit import MailpitMailbox
from nexx_conformance.config import ConfigError
from nexx_conformance.targets import configured_target

URL = "https://staging.example/v3.1"


def url_target(**given):
    return configured_target(
        lambda name: {"target": URL, "domain_secret": "x", **given}.get(name), {}
    )


def test_a_url_target_needs_the_secret():
    with pytest.raises(ConfigError, match="NEXX_DOMAIN_SECRET"):
        configured_target(lambda name: {"target": URL}.get(name), {})


def test_a_url_target_is_called_carefully_by_default():
    target = url_target()
    assert target.base_url == URL and target.domains == {c.DOMAIN_MAIN: c.DEFAULT_DOMAIN_ID}
    config = target.config
    assert not config.allow_destructive and not config.allow_side_effects
    assert config.guessed_rules == "warn" and config.eternal_cid is None


def test_a_url_target_retries_congestion():
    client = url_target().client()
    try:
        assert client.retry is True
    finally:
        client.close()


def test_its_special_domains_come_from_the_environment():
    target = configured_target(
        lambda name: {"target": URL, "domain_secret": "x"}.get(name),
        {"NEXX_DOMAIN_ID_SMS2FA": "12"},
    )
    assert target.domains == {c.DOMAIN_MAIN: c.DEFAULT_DOMAIN_ID, c.DOMAIN_SMS_2FA: 12}


def test_mails_are_read_from_mailpit_over_http():
    target = url_target(mailbox="mailpit+http://mail.test:8025")
    mailbox = target.open_mailbox()
    assert isinstance(mailbox, MailpitMailbox) and mailbox.api_url == "http://mail.test:8025"


def test_without_a_mailbox_there_is_none():
    target = url_target()
    assert target.open_mailbox() is None and target.open_sms_inbox() is None
