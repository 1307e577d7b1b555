import hashlib

import pytest

from nexx_conformance.signing import operation_of, request_token, signed_headers


@pytest.mark.parametrize(
    "path, operation",
    [
        pytest.param("user/authorize/abc", "authorize", id="path-parameter-is-not-the-operation"),
        pytest.param("session/init", "init", id="session-context"),
        pytest.param("/v3.1/4711/interactions/addlike", "addlike", id="full-url-path"),
        pytest.param("/4711/user/profile?x=1", "profile", id="query-ignored"),
    ],
)
def test_operation_is_the_segment_after_the_context(path, operation):
    assert operation_of(path) == operation


def test_path_without_context_is_refused():
    with pytest.raises(ValueError, match="no nexx context"):
        operation_of("/4711/unknown/register")


def test_token_is_md5_of_operation_domain_secret():
    expected = hashlib.md5(b"register4711s3cret").hexdigest()
    assert request_token("register", 4711, "s3cret") == expected


def test_signed_headers_carry_token_and_cid():
    headers = signed_headers("user/authorize/abc", 4711, "s3cret", "cid-1")
    assert headers == {
        "X-Request-Token": request_token("authorize", 4711, "s3cret"),
        "X-Request-CID": "cid-1",
    }
