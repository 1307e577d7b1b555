import pytest

from nexx_conformance.channels.mailpit import MailpitMailbox
from nexx_conformance.config import ConfigError, Endpoint, resolve
from nexx_conformance.lifecycle import open_mailbox, refuse_shared_sinks


def test_reference_target_refuses_a_mailpit_mailbox():
    with pytest.raises(ConfigError, match="own SMTP sink"):
        open_mailbox(Endpoint("mailpit+http", "127.0.0.1", 8025), reference=True)


def test_url_target_reads_mailpit_over_http():
    mailbox = open_mailbox(Endpoint("mailpit+http", "mail.test", 8025), reference=False)
    assert isinstance(mailbox, MailpitMailbox) and mailbox.api_url == "http://mail.test:8025"


def test_url_target_without_mailbox_has_none():
    assert open_mailbox(None, reference=False) is None


def test_fixed_sink_ports_are_refused_under_xdist():
    config = resolve(lambda name: {"sms_inbox": "webhook://127.0.0.1:2526"}.get(name), {})
    with pytest.raises(ConfigError, match="--sms-inbox webhook://127.0.0.1:2526 is a sink on one fixed port"):
        refuse_shared_sinks(config)
    refuse_shared_sinks(resolve(lambda name: None, {}))
