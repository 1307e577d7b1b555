import pytest
from vcr.request import Request

from nexx_conformance.recording.matchers import (
    body_of,
    lookup_key,
    nexx_body,
    nexx_path,
    nexx_query,
    nexx_session,
    normalized_form,
)
from nexx_conformance.recording.scrubbing import Scrubber


def req(uri, body=b""):
    return Request("POST", uri, body, {})


def stored(live, scrubber=None):
    """What vcrpy compares: the request after a test's Scrubber, recorded or live."""
    return (scrubber or Scrubber(["sec"])).before_record_request(live)


def test_recorded_run_matches_a_replay_run():
    recorded = stored(
        req(
            "http://127.0.0.1:5000/v3.1/4711/user/authorize/AbCdEfGhIjKlMnOpQrStUv",
            b"username=qa_ab12cdgw0_3&email=qa_ab12cdgw0_3%40example.test&password=Pw1x",
        )
    )
    replayed = stored(
        req(
            "http://replay.invalid/v3.1/4711/user/authorize/replayed-token-000001",
            b"email=qa_replay_3%40example.test&username=qa_replay_3&password=Other2pw",
        )
    )
    for matcher in (nexx_path, nexx_query, nexx_body):
        matcher(replayed, recorded)


def test_codes_and_webauthn_tokens_match_by_their_place_in_the_sequence():
    recording, replay = Scrubber([]), Scrubber([])
    for recorded, replayed in [
        (b"code=123456&type=sms", b"code=754322&type=sms"),
        (b"token=%7B%22a%22%3A1%7D&host=x", b"token=%7B%22b%22%3A2%7D&host=x"),
    ]:
        nexx_body(
            stored(req("http://h/v3.1/1/user/authorizedevice", replayed), replay),
            stored(req("http://h/v3.1/1/user/authorizedevice", recorded), recording),
        )


def test_a_secret_sent_out_of_sequence_does_not_match():
    recording, replay = Scrubber([]), Scrubber([])
    for body in (b"password=Recorded1", b"password=Recorded2"):
        stored(req("http://h/v3.1/1/session/login", body), recording)
    first = stored(req("http://h/v3.1/1/session/login", b"password=Replayed1"), replay)
    again = stored(req("http://h/v3.1/1/session/login", b"password=Replayed1"), replay)
    recorded_second = stored(req("http://h/v3.1/1/session/login", b"password=Recorded2"), recording)
    with pytest.raises(AssertionError, match=r"password-1.*!=.*password-2"):
        nexx_body(again, recorded_second)
    assert again.body == first.body


def test_a_raw_secret_is_masked_in_a_mismatch_message():
    with pytest.raises(AssertionError) as failure:
        nexx_body(
            req("http://h/v3.1/1/session/login", b"password=Raw1secret&x=1"),
            req("http://h/v3.1/1/session/login", b"password=***password-1***&x=2"),
        )
    assert "Raw1secret" not in str(failure.value)


@pytest.mark.parametrize(
    "matcher, live, recorded",
    [
        pytest.param(
            nexx_path,
            "http://h/v3.1/4711/user/profile",
            "http://h/v3.1/4712/user/profile",
            id="other-domain-differs",
        ),
        pytest.param(
            nexx_path,
            "http://h/v3.1/4711/user/likes",
            "http://h/v3.1/4711/user/cart",
            id="other-operation-differs",
        ),
        pytest.param(
            nexx_query,
            "http://h/v3.1/1/user/likes?limit=10",
            "http://h/v3.1/1/user/likes?limit=20",
            id="other-query-differs",
        ),
    ],
)
def test_real_differences_still_differ(matcher, live, recorded):
    with pytest.raises(AssertionError):
        matcher(req(live), req(recorded))


def test_other_user_number_or_field_differs():
    with pytest.raises(AssertionError):
        nexx_body(req("http://h/", b"username=qa_a1_1"), req("http://h/", b"username=qa_b2_2"))
    with pytest.raises(AssertionError):
        nexx_body(req("http://h/", b"type=sms&code=1"), req("http://h/", b"type=app&code=1"))


def test_a_request_changed_after_it_was_compared_is_compared_anew():
    # The memo is keyed by the request's text, not by the request object: vcrpy's Request
    # is mutable, and a stale normalized form would let the changed request match.
    live = req("http://h/v3.1/1/user/updatedata?limit=10", b"firstname=Ann")
    recorded = req("http://h/v3.1/1/user/updatedata?limit=10", b"firstname=Ann")
    nexx_body(live, recorded)
    nexx_query(live, recorded)
    live.body = b"firstname=Bob"
    live.uri = "http://h/v3.1/1/user/updatedata?limit=11"
    with pytest.raises(AssertionError, match="body"):
        nexx_body(live, recorded)
    with pytest.raises(AssertionError, match="query"):
        nexx_query(live, recorded)


@pytest.mark.parametrize(
    "live, recorded",
    [
        pytest.param(
            b"username=qa_replay_1&gender=male",
            b"username=qa_replay_1&gender=female",
            id="one-field-differs",
        ),
        pytest.param(
            b"username=qa_replay_1", b"username=qa_replay_1&newsletter=1", id="extra-field-differs"
        ),
        pytest.param(
            b"username=qa_replay_1", b"username=qa_replay_2", id="other-user-number-differs"
        ),
    ],
)
def test_memoized_forms_keep_differences(live, recorded):
    first, second = (
        req("http://h/v3.1/1/user/register", live),
        req("http://h/v3.1/1/user/register", recorded),
    )
    for _ in range(2):  # the second round is answered from the memo
        with pytest.raises(AssertionError):
            nexx_body(first, second)
        nexx_body(first, req("http://h/v3.1/1/user/register", bytes(live)))


def test_memoized_forms_equal_a_fresh_normalization():
    body = (
        b"email=qa_ab12cd_3%40example.test&password=Pw1x&birthday=2000-01-01T10:00:00Z&nxp_devh=x"
    )
    body_of.cache_clear()
    fresh = body_of(body)
    assert body_of(body) is fresh
    assert fresh.value == normalized_form(body.decode())
    assert fresh.value == sorted(
        [
            ("birthday", "TIME"),
            ("email", "qa_RUN_3@example.test"),
            ("nxp_devh", "VOLATILE"),
            ("password", "***"),
        ]
    )


def test_a_mismatch_names_both_normalized_sides():
    with pytest.raises(
        AssertionError, match=r"body \[\('type', 'sms'\)\] != \[\('type', 'app'\)\]"
    ):
        nexx_body(req("http://h/", b"type=sms"), req("http://h/", b"type=app"))


def from_session(cid, scrubber):
    live = Request("GET", "http://h/v3.1/4711/user/profile", b"", {"X-Request-CID": cid})
    return stored(live, scrubber)


def test_a_request_from_another_session_than_the_recorded_one_does_not_match():
    recording, replay = Scrubber([]), Scrubber([])
    laptop, phone = (from_session(cid, recording) for cid in ("laptop-0a1b2c", "phone-9z8y7x"))
    replayed_laptop = from_session("scrubbed-session-1", replay)
    replayed_phone = from_session("scrubbed-session-2", replay)
    nexx_session(replayed_laptop, laptop)
    nexx_session(replayed_phone, phone)
    with pytest.raises(AssertionError, match=r"session \*\*\*cid-1\*\*\* != \*\*\*cid-2\*\*\*"):
        nexx_session(replayed_laptop, phone)


def test_a_raw_session_id_is_masked_in_a_mismatch_message():
    raw = Request("GET", "http://h/v3.1/4711/user/profile", b"", {"X-Request-CID": "raw-cid-123"})
    with pytest.raises(AssertionError) as raised:
        nexx_session(raw, from_session("phone-9z8y7x", Scrubber([])))
    assert "raw-cid-123" not in str(raised.value) and "***" in str(raised.value)


def test_the_lookup_key_tells_sessions_apart():
    from vcr import matchers as vcr_matchers

    key = lookup_key([vcr_matchers.method, nexx_path, nexx_session])
    scrubber = Scrubber([])
    laptop, phone = (from_session(cid, scrubber) for cid in ("laptop-0a1b2c", "phone-9z8y7x"))
    assert key(laptop) != key(phone)
    assert key(laptop) == key(from_session("laptop-0a1b2c", scrubber))
