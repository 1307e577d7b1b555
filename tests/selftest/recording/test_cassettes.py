from pathlib import Path

from vcr.request import Request

from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_conformance.recording.cassettes import cassette_dir, vcr_settings
from nexx_conformance.targets import configured_target


def target(kind="reference"):
    return configured_target(lambda name: {"target": kind}.get(name), {})


def test_cassettes_live_under_the_module_path():
    root = Path("/repo")
    assert (
        cassette_dir(root, root / "tests/scenarios/test_login.py")
        == root / "cassettes/tests/scenarios/test_login"
    )


def test_replay_never_records():
    assert vcr_settings(target("replay"), "/c", "qa_replay_")["record_mode"] == "none"
    assert "record_mode" not in vcr_settings(target(), "/c", "qa_ab12cdt1_")


def test_generated_names_are_stored_as_a_replay_generates_them():
    settings = vcr_settings(target(), "/c", "qa_ab12cdt7_")
    stored = settings["before_record_request"](
        Request("POST", "http://h/v3.1/4711/user/register", b"username=qa_ab12cdt7_1", {})
    )
    assert stored.body == b"username=qa_replay_1"


def test_sms_sink_traffic_is_never_recorded():
    running = target()
    running.sms_inbox = SmsWebhookSink()
    try:
        settings = vcr_settings(running, "/c", "qa_x_")
        assert (
            settings["before_record_request"](Request("POST", running.sms_inbox.url, b"{}", {}))
            is None
        )
    finally:
        running.sms_inbox.close()
