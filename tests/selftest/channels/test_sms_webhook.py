import httpx
import pytest

from nexx_conformance.channels import NoMessage
from nexx_conformance.channels.sms_webhook import SmsWebhookSink


@pytest.fixture
def sink():
    sink = SmsWebhookSink()
    yield sink
    sink.close()


def test_real_post_arrives_with_code(sink):
    answer = httpx.post(
        sink.url, json={"to": "+4915112345678", "text": "Your code is 123456", "domain": 4711}
    )
    assert answer.status_code == 200
    assert sink.wait_for("+4915112345678", timeout=5).code == "123456"


def test_malformed_post_is_refused_and_not_delivered(sink):
    assert httpx.post(sink.url, content=b"not json").status_code == 400
    with pytest.raises(NoMessage):
        sink.wait_for("+4915112345678", timeout=0.3)


def test_wrong_path_is_404(sink):
    url = sink.url.replace("/sms", "/other")
    assert httpx.post(url, json={"to": "+49151", "text": "x"}).status_code == 404
