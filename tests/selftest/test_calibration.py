"""The calibration overlay: one action per finding, each kind relaxed in the least way, the
evidence moved to observed; nothing for a rule that is not a guess; never a value."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
import yaml

from nexx_conformance import guessed_rules
from nexx_conformance.calibration import Calibration, SecretInOverlay, render, write
from nexx_conformance.contract import contract, of_document
from nexx_conformance.drift import DriftLog
from nexx_conformance.evidence import EvidenceBook, book
from nexx_conformance.overlay import schema_errors
from nexx_conformance.recording.secret_scan import findings as secret_findings

BASE = "http://nexx.test:8080/v3.1"
PROFILE = "/{domainid}/user/profile"
WHEN = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SOURCE = "calibration-2026-11-27-nexx.test-8080"
PROFILE_EXAMPLE = (
    "#/paths/~1{domainid}~1user~1profile/get/responses/200/content/application~1json/example"
)


def bundle() -> dict:
    """The contract's bundle as this process reads it."""
    return contract().document


def profile(**changes) -> dict:
    """The contract's own example of a profile answer, changed."""
    body = copy.deepcopy(of_document(bundle()).at(PROFILE_EXAMPLE))
    for key, value in changes.items():
        part, _, name = key.partition("__")
        if value is None:
            body[part].pop(name)
        else:
            body[part][name] = value
    return body


def drift(*answers: tuple[str, str, int, str, object]) -> dict:
    """The drift report of `answers`: (method, path below /4711, status, type, body)."""
    log = DriftLog(contract(), lambda: BASE)
    for method, path, status, media_type, body in answers:
        text = body if isinstance(body, str) else json.dumps(body)
        log.record(method, f"{BASE}/4711{path}", status, media_type, text.encode())
    return log.summary()


def warned(operation: str, template: str, body: dict, status: int = 200) -> list[dict]:
    """The guessed-rule warning a URL target records for `body`, as the run keeps it."""
    found = guessed_rules.violations("GET", template, status, body)
    assert guessed_rules.only_guessed(found), [v.line() for v in found]
    warnings = guessed_rules.GuessedWarnings()
    rules = [guessed_rules.BrokenRule(v.rule, v.evidence, v.seen) for v in found]
    warnings.add("test_x", operation, status, rules)
    return warnings.as_data()


def calibrate(report: dict | None = None, warnings=(), evidence: EvidenceBook | None = None):
    calibration = Calibration(bundle(), evidence or book(), BASE, WHEN)
    calibration.add_warnings(warnings)
    calibration.add_drift(report or {"operations": []})
    return calibration.overlay(), calibration


def patched(overlay: dict) -> dict:
    """The bundle with the overlay applied (what scripts/calibrate-contract gives the source)."""
    from oas_patch import apply_overlay

    return apply_overlay(copy.deepcopy(bundle()), overlay)


def admitted(document: dict, body: dict) -> bool:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource = Resource.from_contents(document, DRAFT202012)
    registry = Registry().with_resource("urn:b", resource)
    schema = {"$ref": "urn:b#/components/schemas/UserEnvelope"}
    checker = Draft202012Validator.FORMAT_CHECKER
    return Draft202012Validator(schema, registry=registry, format_checker=checker).is_valid(body)


def changes(overlay: dict) -> list[dict]:
    return [a for a in overlay["actions"] if a["x-nexx-kind"] != "evidence"]


def evidence_updates(overlay: dict) -> list[dict]:
    return [a for a in overlay["actions"] if a["x-nexx-kind"] == "evidence" and "update" in a]


def test_answers_as_the_contract_has_them_leave_nothing_to_calibrate():
    report = drift(("GET", "/user/profile", 200, "application/json", profile()))
    assert calibrate(report)[0] is None


def test_an_undocumented_field_becomes_an_optional_property_of_its_shared_schema():
    body = profile()
    body["metadata"]["requestid"] = "3f9c2a71e4b05d68"
    overlay, _ = calibrate(drift(("GET", "/user/profile", 200, "application/json", body)))
    (change,) = changes(overlay)
    assert change["target"] == "$.components.schemas.Metadata.properties"
    assert change["update"]["requestid"]["type"] == "string"
    assert change["x-nexx-absent"] == ["requestid"]
    assert "$.metadata.requestid" in change["description"]
    assert "1 answer of 1 operation (profile)" in change["description"]
    assert f"observed on {BASE} on 2026-11-27" in change["description"]
    source, graded = evidence_updates(overlay)
    assert source["update"][SOURCE]["grade"] == "observed"
    assert graded["update"]["schemas/Metadata/properties/requestid"]["type"]["source"] == SOURCE


def test_an_undocumented_status_becomes_a_response_with_the_envelope_of_its_class():
    overlay, _ = calibrate(
        drift(
            ("POST", "/user/register", 200, "application/json", {}),
            ("GET", "/user/profile", 422, "application/json", {}),
        )
    )
    by_target = {a["target"]: a["update"] for a in changes(overlay)}
    register = by_target["$.paths['/{domainid}/user/register'].post.responses"]["200"]
    refusal = by_target["$.paths['/{domainid}/user/profile'].get.responses"]["422"]
    schema = register["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/RegisterResultEnvelope"}  # as 201's
    assert refusal["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
    statuses = [a["update"] for a in evidence_updates(overlay) if "statuses" in a["target"]]
    assert statuses[0]["register"]["200"]["source"] == SOURCE


def content_type_guessed() -> EvidenceBook:
    """The contract's evidence, but the rule that answers are JSON only guessed."""
    document = copy.deepcopy(bundle())
    document["x-nexx-evidence"]["rules"]["content-type"] = {
        "title": "answers are application/json",
        "guessed": "a contract that read no client",
    }
    return EvidenceBook(document)


def test_an_undocumented_content_type_is_added_to_the_response_of_its_status():
    report = drift(("GET", "/user/profile", 200, "text/csv", "a,b"))
    overlay, _ = calibrate(report, evidence=content_type_guessed())
    (change,) = changes(overlay)
    target = "$.paths['/{domainid}/user/profile'].get.responses['200'].content"
    assert change["target"] == target
    assert change["update"] == {"text/csv": {"schema": {}}}


def test_an_undocumented_content_type_is_no_calibration_while_its_rule_is_observed():
    overlay, calibration = calibrate(drift(("GET", "/user/profile", 200, "text/csv", "a,b")))
    assert overlay is None
    assert "content type text/csv on 200" in calibration.uncalibrated[0]["finding"]
    assert "observed" in calibration.uncalibrated[0]["why"]


@pytest.mark.parametrize(
    "changed, target, update",
    [
        pytest.param(
            {"result__phone": "+49 176 1234"},
            "$.components.schemas.Phone",
            {"pattern": "(?:^\\+[1-9][0-9]{6,14}$)|^[ +0-9]{12}$"},
            id="pattern-widened-to-the-shape-seen",
        ),
        pytest.param(
            {"result__status": "x" * 600},
            "$.components.schemas.User.properties.status",
            {"maxLength": 600},
            id="length-widened",
        ),
        pytest.param(
            {"result__gender": "other"},
            "$.components.schemas.Gender",
            {"enum": ["other"]},
            id="enum-gains-a-word",
        ),
        pytest.param(
            {"result__twofactor": {"app": 1, "u2fdevices": "2"}},
            "$.components.schemas.User.properties.twofactor.properties.u2fdevices",
            {"type": ["integer", "string"]},
            id="type-gains-the-type-seen",
        ),
        pytest.param(
            {"result__twofactor": {"app": 1, "u2fdevices": -3}},
            "$.components.schemas.User.properties.twofactor.properties.u2fdevices",
            {"minimum": -9},
            id="bound-widened-by-order-of-magnitude",
        ),
    ],
)
def test_a_guessed_keyword_is_relaxed_the_least_way_and_its_evidence_observed(
    changed, target, update
):
    body = profile(**changed)
    overlay, _ = calibrate(warnings=warned("profile", PROFILE, body))
    (change,) = changes(overlay)
    assert change["target"] == target
    assert change["update"] == update
    keyword = next(iter(update))
    assert keyword in change["x-nexx-expects"]  # the contract as the run saw it
    document = patched(overlay)
    assert admitted(document, body)
    location = "#/" + "/".join(
        part.strip("'[]") for part in change["target"][2:].replace("['", ".").split(".")
    )
    assert EvidenceBook(document).keyword_at(location, keyword).grade == "observed"


@pytest.mark.parametrize(
    "changed, target, removed",
    [
        pytest.param(
            {"result__gender": "x7Qp2Lm9Zr4Tb8Wc"},
            "$.components.schemas.Gender.enum",
            "enum",
            id="enum-removed-when-the-value-is-no-word",
        ),
        pytest.param(
            {"result__email": "no address"},
            "$.components.schemas.Email.format",
            "format",
            id="format-removed",
        ),
        pytest.param(
            {"result__newsletter": None},
            "$.components.schemas.User.required[?(@ == 'newsletter')]",
            "required",
            id="required-member-made-optional",
        ),
    ],
)
def test_a_guessed_keyword_nothing_narrower_admits_is_removed(changed, target, removed):
    overlay, _ = calibrate(warnings=warned("profile", PROFILE, profile(**changed)))
    (change,) = changes(overlay)
    assert change["target"] == target
    assert change["remove"] is True
    assert "x7Qp2Lm9Zr4Tb8Wc" not in render(overlay)
    assert admitted(patched(overlay), profile(**changed))


def test_a_guessed_closed_object_gains_the_members_seen_and_stays_closed():
    body = profile(result__loyaltyPoints=12)
    report = drift(("GET", "/user/profile", 200, "application/json", body))
    overlay, _ = calibrate(report, warned("profile", PROFILE, body))
    (change,) = changes(overlay)
    assert change["target"] == "$.components.schemas.User.properties"
    assert change["update"]["loyaltyPoints"]["type"] == "integer"
    assert "stays closed" in change["description"]
    document = patched(overlay)
    assert admitted(document, body)
    assert not admitted(document, profile(result__other=1))  # closed to the others
    at = "#/components/schemas/User/properties/loyaltyPoints"
    assert EvidenceBook(document).keyword_at(at, "type").grade == "observed"


def test_a_guessed_closed_object_holding_keys_that_look_like_data_is_opened():
    body = profile(result__a8f3e2b19c0d4e5f=1)
    report = drift(("GET", "/user/profile", 200, "application/json", body))
    overlay, _ = calibrate(report, warned("profile", PROFILE, body))
    (change,) = changes(overlay)
    assert change["target"] == "$.components.schemas.User.additionalProperties"
    assert change["remove"] is True
    assert "a8f3e2b19c0d4e5f" not in render(overlay)
    drops = [a["target"] for a in overlay["actions"] if a.get("remove")]
    assert "$['x-nexx-evidence'].schemas['schemas/User']" in drops  # its only entry went
    assert admitted(patched(overlay), body)


def test_a_stated_rule_broken_by_the_target_yields_no_action():
    body = profile(metadata__status="200")  # metadata.status is an integer: the docs say so
    found = guessed_rules.violations("GET", PROFILE, 200, body)
    assert not guessed_rules.only_guessed(found)  # a failure on any target, never a warning
    warnings = guessed_rules.GuessedWarnings()
    warnings.add(
        "test_x",
        "profile",
        200,
        [guessed_rules.BrokenRule(v.rule, v.evidence, v.seen) for v in found],
    )
    report = drift(("GET", "/user/profile", 500, "application/json", {}))
    overlay, calibration = calibrate(report, warnings.as_data())
    assert overlay is None
    assert calibration.uncalibrated[0]["finding"] == "status 500"
    assert "stated" in calibration.uncalibrated[0]["why"]


def test_no_overlay_holds_a_value_of_an_answer():
    secrets = ["s3cr3t-T0ken-Qx81Lm", "hunter2hunter2", "tok_9f8e7d6c5b4a39281706"]
    body = profile(result__sessionToken=secrets[0], result__gender=secrets[2])
    body["metadata"]["password"] = secrets[1]
    body["metadata"]["token"] = secrets[2]
    report = drift(("GET", "/user/profile", 200, "application/json", body))
    overlay, _ = calibrate(report, warned("profile", PROFILE, body))
    text = render(overlay)
    assert "sessionToken" in text  # the field's name is there, its value is not
    assert not [secret for secret in secrets if secret in text]
    assert list(secret_findings(text)) == []


def test_an_overlay_that_looks_like_it_holds_a_secret_is_not_written(tmp_path):
    body = profile()
    body["metadata"]["requestid"] = "x"
    overlay, _ = calibrate(drift(("GET", "/user/profile", 200, "application/json", body)))
    overlay["actions"][1]["description"] += " password=hunter2"
    with pytest.raises(SecretInOverlay):
        write(overlay, tmp_path / "calibration.overlay.yaml")
    assert not (tmp_path / "calibration.overlay.yaml").exists()


def test_the_overlay_validates_against_the_overlay_1_0_json_schema(tmp_path):
    body = profile(result__loyaltyPoints=12, result__gender="other")
    body["metadata"]["requestid"] = "x"
    report = drift(
        ("GET", "/user/profile", 200, "application/json", body),
        ("POST", "/user/register", 200, "application/json", {}),
    )
    overlay, _ = calibrate(report, warned("profile", PROFILE, body))
    write(overlay, tmp_path / "o.yaml")
    written = yaml.safe_load((tmp_path / "o.yaml").read_text())
    assert schema_errors(written) == []
    assert written["overlay"] == "1.0.0"
    del written["info"]
    assert schema_errors(written)  # the vendored schema does check
