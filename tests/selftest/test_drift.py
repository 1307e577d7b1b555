"""Drift: answers beyond the contract are listed per operation, with paths and types, never values."""

from __future__ import annotations

import json

from nexx_conformance.drift import DriftLog

from .conftest import PROFILE_METADATA

BASE = "https://staging.example/v3.1"
PROFILE_URL = f"{BASE}/4711/user/profile"
METADATA = PROFILE_METADATA
USER = {
    "ID": 1042,
    "email": "alice@example.org",
    "status": "",
    "newsletter": 0,
    "ageclass": 0,
    "isanonymous": 0,
    "created": 1735689600,
    "twofactor": {"app": 0, "u2fdevices": 0},
    "channelsubscriptions": [{"channel": 3, "viamail": 1, "viapush": 0}],
}


def drift_log() -> DriftLog:
    return DriftLog(target_base_url=lambda: BASE)


def answer(
    log: DriftLog, body, status=200, url=PROFILE_URL, content_type="application/json"
) -> None:
    log.record("GET", url, status, content_type, json.dumps(body).encode())


def test_a_documented_answer_is_no_drift():
    log = drift_log()
    answer(log, {"metadata": METADATA, "result": USER})
    assert log.summary()["operations"] == [] and log.summary()["totals"]["answers"] == 1


def test_undocumented_fields_are_listed_by_path_and_type_without_values():
    log = drift_log()
    user = {
        **USER,
        "loyaltyPoints": 12,
        "twofactor": {"app": 0, "u2fdevices": 0, "passkeys": [1]},
        "channelsubscriptions": [{"channel": 3, "viamail": 1, "viapush": 0, "viasms": 1}],
    }
    answer(log, {"metadata": {**METADATA, "servertime": "x"}, "result": user})
    answer(log, {"metadata": METADATA, "result": {**USER, "loyaltyPoints": None}})
    (profile,) = log.summary()["operations"]
    assert profile["operationId"] == "profile"
    assert profile["undocumented_fields"] == [
        {"path": "$.metadata.servertime", "types": ["string"], "seen": 1},
        {"path": "$.result.channelsubscriptions[].viasms", "types": ["integer"], "seen": 1},
        {"path": "$.result.loyaltyPoints", "types": ["integer", "null"], "seen": 2},
        {"path": "$.result.twofactor.passkeys", "types": ["array"], "seen": 1},
    ]
    assert "alice" not in json.dumps(log.summary())


def test_undocumented_statuses_and_content_types_are_counted():
    log = drift_log()
    answer(log, {"metadata": METADATA, "result": None}, status=418)
    log.record("GET", PROFILE_URL, 200, "text/html; charset=utf-8", b"<html></html>")
    (profile,) = log.summary()["operations"]
    assert profile["undocumented_statuses"] == {"418": 1}
    assert profile["undocumented_content_types"] == {"text/html": 1}


def test_answers_of_other_hosts_are_not_the_target():
    log = drift_log()
    answer(
        log,
        {"metadata": METADATA, "result": {**USER, "x": 1}},
        url="http://127.0.0.1:9/4711/user/profile",
    )
    assert log.summary()["totals"]["answers"] == 0


def test_worker_logs_merge():
    one, two, both = drift_log(), drift_log(), drift_log()
    answer(one, {"metadata": METADATA, "result": {**USER, "x": 1}})
    answer(two, {"metadata": METADATA, "result": {**USER, "x": "a"}})
    both.merge(one.as_data())
    both.merge(json.loads(json.dumps(two.as_data())))
    (profile,) = both.summary()["operations"]
    assert profile["undocumented_fields"] == [
        {"path": "$.result.x", "types": ["integer", "string"], "seen": 2}
    ]


def test_a_documented_response_referenced_with_its_own_description_is_no_drift():
    # verifypassword's 429 is `$ref: TooManyRequests` with a description of its own.
    log = drift_log()
    url = f"{BASE}/4711/user/verifypassword"
    body = {
        "metadata": {**METADATA, "status": 429, "verb": "POST", "errorhint": "too many"},
        "result": None,
    }
    log.record("POST", url, 429, "application/json", json.dumps(body).encode())
    assert log.summary()["operations"] == []
