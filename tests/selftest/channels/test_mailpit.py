import httpx
import pytest
import respx

from nexx_conformance.channels import NoMessage
from nexx_conformance.channels.mailpit import MailpitMailbox

API = "http://mailpit.test:8025"
TOKEN = "AbCdEfGhIjKlMnOpQrStUv"


def mailpit(router):
    router.get(f"{API}/api/v1/search").mock(
        return_value=httpx.Response(200, json={"messages": [{"ID": "new"}, {"ID": "old"}]})
    )
    router.get(f"{API}/api/v1/message/old/headers").mock(
        return_value=httpx.Response(200, json={"X-Nexx-Mail-Type": ["welcome"]})
    )
    router.get(f"{API}/api/v1/message/new/headers").mock(
        return_value=httpx.Response(200, json={"X-Nexx-Mail-Type": ["authorize"]})
    )
    router.get(f"{API}/api/v1/message/new").mock(
        return_value=httpx.Response(200, json={"ID": "new", "Text": f"https://h/authorize/{TOKEN}"})
    )
    router.get(f"{API}/api/v1/message/old").mock(
        return_value=httpx.Response(200, json={"ID": "old", "Text": "Welcome"})
    )


def test_search_finds_the_mail_of_the_kind():
    with respx.mock as router:
        mailpit(router)
        box = MailpitMailbox(API)
        message = box.wait_for("ann@example.test", "authorize", timeout=1)
        query = router.calls[0].request.url.params["query"]
    assert message.token == TOKEN and message.kind == "authorize"
    assert query == 'to:"ann@example.test"'


def test_oldest_first_and_each_mail_once():
    with respx.mock as router:
        mailpit(router)
        box = MailpitMailbox(API)
        assert box.wait_for("ann@example.test", timeout=1).kind == "welcome"
        assert box.wait_for("ann@example.test", timeout=1).kind == "authorize"
        with pytest.raises(NoMessage, match="in Mailpit"):
            box.wait_for("ann@example.test", timeout=0)
