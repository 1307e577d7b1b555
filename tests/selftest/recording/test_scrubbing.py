import json

from vcr.request import Request

from nexx_conformance.recording.scrubbing import Scrubber

SECRET = "domain-secret-xyz"
TOKEN = "AbCdEfGhIjKlMnOpQrStUv"


def request(uri, body=b"", headers=None):
    return Request("POST", uri, body, headers or {})


def test_request_keeps_no_secret():
    live = request(
        f"http://127.0.0.1:1/v3.1/4711/user/authorize/{TOKEN}?code=123456",
        b"username=qa_ab12_1&password=Secret123&newpassword=N3wSecret&currentpassword=Old1pass"
        b"&token=%7B%22sig%22%7D&code=654321",
        {"X-Request-Token": "md5sig", "X-Request-CID": "live-session-4f2a"},
    )
    stored = Scrubber([SECRET]).before_record_request(live)
    text = stored.uri + stored.body.decode() + json.dumps(dict(stored.headers))
    for secret in (
        TOKEN,
        "123456",
        "Secret123",
        "N3wSecret",
        "Old1pass",
        "654321",
        "md5sig",
        "live-session-4f2a",
        "sig",
    ):
        assert secret not in text
    assert "username=qa_ab12_1" in stored.body.decode()
    assert live.headers["X-Request-CID"] == "live-session-4f2a", "the live request is not modified"


def test_response_keeps_no_secret():
    body = {
        "metadata": {"calledwith": f"/4711/user/authorize/{TOKEN}", "status": 201},
        "result": {
            "general": {"cid": "live-session-4f2a"},
            "otp": "otpauth://totp/nexx:ann?secret=JBSWY3DPEHPK3PXP&issuer=nexx",
            "upload": "http://h/4711/upload/f?user=1&expires=2&max=3&sig=abcdef",
            "echo": f"the secret is {SECRET}",
        },
    }
    response = {
        "status": {"code": 201},
        "headers": {"Set-Cookie": ["s=1"]},
        "body": {"string": json.dumps(body).encode()},
    }
    stored = Scrubber([SECRET]).before_record_response(response)
    text = stored["body"]["string"].decode() + json.dumps(stored["headers"])
    for secret in ("live-session-4f2a", "JBSWY3DPEHPK3PXP", "abcdef", SECRET, "s=1", TOKEN):
        assert secret not in text
    kept = json.loads(stored["body"]["string"])
    assert kept["metadata"] == {
        "calledwith": "/4711/user/authorize/***token-answered-1***",
        "status": 201,
    }
    assert kept["result"]["upload"].startswith("http://h/4711/upload/f?user=1&expires=2&max=3&sig=")


def test_sink_traffic_is_not_recorded():
    scrubber = Scrubber([], ignore_netlocs=["127.0.0.1:2526"])
    assert scrubber.before_record_request(request("http://127.0.0.1:2526/sms")) is None


def test_scrubbing_leaves_the_live_request_untouched():
    live = Request(
        "POST",
        "http://h/v3.1/1/user/login?sig=abc",
        b"username=u&password=Pw1x",
        {"X-Request-Token": "token", "X-Request-CID": "cid"},
    )
    stored = Scrubber(["sec"]).before_record_request(live)
    assert stored.headers["X-Request-Token"] == "***"
    assert stored.body == b"username=u&password=***password-1***"
    assert live.headers["X-Request-Token"] == "token"
    assert live.body == b"username=u&password=Pw1x"
    assert live.uri == "http://h/v3.1/1/user/login?sig=abc"


def sent(scrubber, path, body=b""):
    return scrubber.before_record_request(request(f"http://h/v3.1/4711/{path}", body))


def test_each_distinct_password_gets_its_own_placeholder_and_a_repeated_one_the_same():
    scrubber = Scrubber([])
    bodies = [
        sent(scrubber, "session/login", b"password=First1pw").body,
        sent(
            scrubber, "user/changepassword", b"currentpassword=First1pw&newpassword=Second2pw"
        ).body,
        sent(scrubber, "session/login", b"password=Second2pw").body,
        sent(scrubber, "session/login", b"password=First1pw").body,
    ]
    assert bodies == [
        b"password=***password-1***",
        b"currentpassword=***password-1***&newpassword=***password-2***",
        b"password=***password-2***",
        b"password=***password-1***",
    ]


def test_tokens_codes_and_webauthn_responses_are_numbered_per_kind():
    scrubber = Scrubber([])
    assert sent(scrubber, "user/authorize/AbCdEfGhIjKlMnOpQrStUv").uri.endswith(
        "/authorize/***token-1***"
    )
    assert sent(
        scrubber, "user/resetpassword/ZyXwVuTsRqPoNmLkJiHgFe", b"newpassword=New1pass"
    ).uri.endswith("/resetpassword/***token-2***")
    assert (
        sent(scrubber, "user/authorizedevice", b"code=123456&type=sms").body
        == b"code=***code-1***&type=sms"
    )
    assert (
        sent(scrubber, "user/authorizedevice", b"code=654321&type=app").body
        == b"code=***code-2***&type=app"
    )
    assert (
        sent(scrubber, "user/authorizelogin", b"token=%7B%22id%22%3A1%7D&host=x").body
        == b"token=***token-3***&host=x"
    )
    assert sent(scrubber, "user/verifytokenunique/AbCdEfGhIjKlMnOpQrStUv").uri.endswith(
        "/verifytokenunique/***token-1***"
    )


def test_scrubbing_a_request_again_gives_the_same_placeholders():
    # vcrpy scrubs a live request once per lookup (two or three times in replay).
    scrubber = Scrubber([])
    live = request(
        "http://h/v3.1/4711/user/authorize/AbCdEfGhIjKlMnOpQrStUv", b"password=Pw1secret"
    )
    first, again = scrubber.before_record_request(live), scrubber.before_record_request(live)
    assert (first.uri, first.body) == (again.uri, again.body)
    assert (
        sent(scrubber, "session/login", b"password=Other2pw").body == b"password=***password-2***"
    )


def test_each_scrubber_numbers_from_one():
    for _ in range(2):
        assert (
            sent(Scrubber([]), "session/login", b"password=Pw1secret").body
            == b"password=***password-1***"
        )


def test_a_value_the_target_handed_out_keeps_its_answered_placeholder_when_sent_back():
    scrubber = Scrubber([])
    sent(scrubber, "session/login", b"password=Pw1secret")
    answer = {
        "result": {
            "upload": "http://h/4711/upload/f?user=1&sig=abcdef",
            "other": "http://h/4711/upload/g?user=1&sig=012345",
        }
    }
    stored = scrubber.before_record_response(
        {"status": {"code": 200}, "headers": {}, "body": {"string": json.dumps(answer).encode()}}
    )
    result = json.loads(stored["body"]["string"])["result"]
    assert result["upload"].endswith("sig=***sig-answered-1***")
    assert result["other"].endswith("sig=***sig-answered-2***")
    # Recording: the test sends the real signature; replay: the stored placeholder. Both
    # are stored alike, and the answer did not move the numbers of what the test sends.
    recorded = Request("PUT", "http://h/4711/upload/f?user=1&sig=abcdef", b"", {})
    assert scrubber.before_record_request(recorded).uri.endswith("sig=***sig-answered-1***")
    replayed = Request("PUT", "http://h/4711/upload/f?user=1&sig=***sig-answered-1***", b"", {})
    assert Scrubber([]).before_record_request(replayed).uri.endswith("sig=***sig-answered-1***")
    assert (
        sent(scrubber, "session/login", b"password=Other2pw").body == b"password=***password-2***"
    )


def test_a_token_echoed_in_the_answer_shows_as_the_placeholder_it_was_sent_as():
    scrubber = Scrubber([])
    sent(scrubber, "user/authorize/AbCdEfGhIjKlMnOpQrStUv")
    answer = {"metadata": {"calledwith": "/4711/user/authorize/AbCdEfGhIjKlMnOpQrStUv"}}
    stored = scrubber.before_record_response(
        {"status": {"code": 200}, "headers": {}, "body": {"string": json.dumps(answer).encode()}}
    )
    assert (
        json.loads(stored["body"]["string"])["metadata"]["calledwith"]
        == "/4711/user/authorize/***token-1***"
    )


def test_a_scrubbed_request_scrubbed_again_stays_as_it_is():
    # vcrpy filters the filtered request again (`request in cassette`), and the replay
    # transport gives the first result for both (nexx_conformance.patches.filtering_once).
    scrubber = Scrubber([SECRET])
    live = request(
        f"http://127.0.0.1:1/v3.1/4711/user/authorize/{TOKEN}?code=123456",
        b"username=qa_ab12_1&password=Secret123&token=%7B%22sig%22%7D",
        {"X-Request-Token": "md5sig", "X-Request-CID": "live-session-4f2a"},
    )
    once = scrubber.before_record_request(live)
    twice = scrubber.before_record_request(once)
    assert (twice.method, twice.uri, twice.body, dict(twice.headers)) == (
        once.method,
        once.uri,
        once.body,
        dict(once.headers),
    )


def signed(scrubber, path, cid):
    live = Request("POST", f"http://h/v3.1/4711/{path}", b"", {"X-Request-CID": cid})
    return scrubber.before_record_request(live).headers["X-Request-CID"]


def test_each_session_gets_its_own_placeholder_in_order_of_first_sight():
    scrubber = Scrubber([])
    sessions = [
        signed(scrubber, "session/login", "laptop-session-0a1b"),
        signed(scrubber, "session/login", "phone-session-9z8y"),
        signed(scrubber, "user/profile", "laptop-session-0a1b"),
        signed(scrubber, "user/profile", "phone-session-9z8y"),
    ]
    assert sessions == ["***cid-1***", "***cid-2***", "***cid-1***", "***cid-2***"]
    # In replay the test sends the ids the stored answers gave it: numbered alike.
    replay = Scrubber([])
    assert [
        signed(replay, "session/login", "scrubbed-session-2"),
        signed(replay, "session/login", "scrubbed-session-1"),
    ] == ["***cid-1***", "***cid-2***"]


def test_a_session_id_in_an_answer_keeps_its_shape_and_a_number_of_its_own():
    scrubber = Scrubber([])
    signed(scrubber, "session/keepalive", "laptop-session-0a1b")

    def answered(cid):
        body = {"result": {"general": {"cid": cid}}}
        stored = scrubber.before_record_response(
            {
                "status": {"code": 201},
                "headers": {"X-Request-CID": [cid]},
                "body": {"string": json.dumps(body).encode()},
            }
        )
        kept = json.loads(stored["body"]["string"])["result"]["general"]["cid"]
        return kept, stored["headers"]["X-Request-CID"]

    assert answered("phone-session-9z8y") == ("scrubbed-session-1", ["scrubbed-session-1"])
    assert answered("laptop-session-0a1b") == ("scrubbed-session-2", ["***cid-1***"])
    assert answered("phone-session-9z8y") == ("scrubbed-session-1", ["scrubbed-session-1"])
    # The answers moved no number of what the test sends.
    assert signed(scrubber, "user/profile", "phone-session-9z8y") == "***cid-2***"
