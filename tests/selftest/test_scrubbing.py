import json

from vcr.request import Request

from nexx_conformance.scrubbing import Scrubber

SECRET = "domain-secret-xyz"
TOKEN = "AbCdEfGhIjKlMnOpQrStUv"


def request(uri, body=b"", headers=None):
    return Request("POST", uri, body, headers or {})


def test_request_keeps_no_secret():
    live = request(
        f"http://127.0.0.1:1/v3.1/4711/user/authorize/{TOKEN}?code=123456",
        b"username=qa_ab12_1&password=Secret123&newpassword=N3wSecret&currentpassword=Old1pass"
        b"&token=%7B%22sig%22%7D&code=654321",
        {"X-Request-Token": "md5sig", "X-Request-CID": "cid-1"})
    stored = Scrubber([SECRET]).before_record_request(live)
    text = stored.uri + stored.body.decode() + json.dumps(dict(stored.headers))
    for secret in (TOKEN, "123456", "Secret123", "N3wSecret", "Old1pass", "654321", "md5sig", "cid-1", "sig"):
        assert secret not in text
    assert "username=qa_ab12_1" in stored.body.decode()
    assert live.headers["X-Request-CID"] == "cid-1", "the live request is not modified"


def test_response_keeps_no_secret():
    body = {"metadata": {"calledwith": f"/4711/user/authorize/{TOKEN}", "status": 201}, "result": {
        "general": {"cid": "cid-1"},
        "otp": "otpauth://totp/nexx:ann?secret=JBSWY3DPEHPK3PXP&issuer=nexx",
        "upload": "http://h/4711/upload/f?user=1&expires=2&max=3&sig=abcdef",
        "echo": f"the secret is {SECRET}"}}
    response = {"status": {"code": 201}, "headers": {"Set-Cookie": ["s=1"]},
                "body": {"string": json.dumps(body).encode()}}
    stored = Scrubber([SECRET]).before_record_response(response)
    text = stored["body"]["string"].decode() + json.dumps(stored["headers"])
    for secret in ("cid-1", "JBSWY3DPEHPK3PXP", "abcdef", SECRET, "s=1", TOKEN):
        assert secret not in text
    kept = json.loads(stored["body"]["string"])
    assert kept["metadata"] == {"calledwith": "/4711/user/authorize/***", "status": 201}
    assert kept["result"]["upload"].startswith("http://h/4711/upload/f?user=1&expires=2&max=3&sig=")


def test_sink_traffic_is_not_recorded():
    scrubber = Scrubber([], ignore_netlocs=["127.0.0.1:2526"])
    assert scrubber.before_record_request(request("http://127.0.0.1:2526/sms")) is None


def test_scrubbing_leaves_the_live_request_untouched():
    live = Request("POST", "http://h/v3.1/1/user/login?sig=abc",
                   b"username=u&password=Pw1x", {"X-Request-Token": "token", "X-Request-CID": "cid"})
    stored = Scrubber(["sec"]).before_record_request(live)
    assert stored.headers["X-Request-Token"] == "***"
    assert live.headers["X-Request-Token"] == "token"
    assert live.body == b"username=u&password=Pw1x"
    assert live.uri == "http://h/v3.1/1/user/login?sig=abc"
