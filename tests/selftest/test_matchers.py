import pytest
from vcr.request import Request

from nexx_conformance.matchers import nexx_body, nexx_path, nexx_query
from nexx_conformance.scrubbing import Scrubber


def req(uri, body=b""):
    return Request("POST", uri, body, {})


def stored(live):
    return Scrubber(["sec"]).before_record_request(live)


def test_recorded_run_matches_a_replay_run():
    recorded = stored(req("http://127.0.0.1:5000/v3.1/4711/user/authorize/AbCdEfGhIjKlMnOpQrStUv",
                          b"username=qa_ab12cdgw0_3&email=qa_ab12cdgw0_3%40example.test&password=Pw1x"))
    replayed = req("http://replay.invalid/v3.1/4711/user/authorize/replayed-placeholder-token",
                   b"email=qa_replay_3%40example.test&username=qa_replay_3&password=Other2pw")
    for matcher in (nexx_path, nexx_query, nexx_body):
        matcher(replayed, recorded)


def test_codes_and_webauthn_tokens_are_normalized():
    nexx_body(req("http://h/v3.1/1/user/authorizedevice", b"code=123456&type=sms"),
              stored(req("http://h/v3.1/1/user/authorizedevice", b"code=000000&type=sms")))
    nexx_body(req("http://h/v3.1/1/user/authorizelogin", b"token=%7B%22a%22%3A1%7D&host=x"),
              req("http://h/v3.1/1/user/authorizelogin", b"token=%7B%22b%22%3A2%7D&host=x"))


@pytest.mark.parametrize("matcher, live, recorded", [
    pytest.param(nexx_path, "http://h/v3.1/4711/user/profile", "http://h/v3.1/4712/user/profile",
                 id="other-domain-differs"),
    pytest.param(nexx_path, "http://h/v3.1/4711/user/likes", "http://h/v3.1/4711/user/cart",
                 id="other-operation-differs"),
    pytest.param(nexx_query, "http://h/v3.1/1/user/likes?limit=10", "http://h/v3.1/1/user/likes?limit=20",
                 id="other-query-differs"),
])
def test_real_differences_still_differ(matcher, live, recorded):
    with pytest.raises(AssertionError):
        matcher(req(live), req(recorded))


def test_other_user_number_or_field_differs():
    with pytest.raises(AssertionError):
        nexx_body(req("http://h/", b"username=qa_a1_1"), req("http://h/", b"username=qa_b2_2"))
    with pytest.raises(AssertionError):
        nexx_body(req("http://h/", b"type=sms&code=1"), req("http://h/", b"type=app&code=1"))
