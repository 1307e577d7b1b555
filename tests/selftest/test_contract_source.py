"""scripts/calibrate-contract's applying: each action lands in the source file that holds
its target, the rest of the file as it was; an action that no longer applies is named."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
import yaml

from nexx_conformance.contract import SourceFiles, contract
from nexx_conformance.contract_source import ALREADY, APPLIED, STALE, apply, main

SOURCE = "calibration-2026-11-27-nexx.test"
OVERLAY = {
    "overlay": "1.0.0",
    "info": {"title": "a calibration", "version": "1"},
    "actions": [
        {
            "target": "$['x-nexx-evidence'].sources",
            "update": {SOURCE: {"grade": "observed", "title": "t", "where": "w"}},
            "x-nexx-absent": [SOURCE],
        },
        {
            "target": "$.components.schemas.Metadata.properties",
            "update": {"requestid": {"type": "string"}},
            "x-nexx-absent": ["requestid"],
        },
        {
            "target": "$.components.schemas.Phone",
            "update": {"pattern": "(?:^\\+[1-9][0-9]{6,14}$)|^[ +0-9]{12}$"},
            "x-nexx-expects": {"pattern": "^\\+[1-9][0-9]{6,14}$"},
        },
        {
            "target": "$['x-nexx-evidence'].schemas['schemas/Phone'].pattern",
            "update": {"source": SOURCE, "says": "widened"},
        },
        {
            "target": "$['x-nexx-evidence'].schemas['schemas/Phone'].pattern.guessed",
            "remove": True,
        },
        {
            "target": "$.paths['/{domainid}/user/register'].post.responses",
            "update": {
                "200": {
                    "description": "d",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorEnvelope"}
                        }
                    },
                }
            },
            "x-nexx-absent": ["200"],
        },
        {"target": "$.components.schemas.User.required[?(@ == 'newsletter')]", "remove": True},
    ],
}


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    """A copy of the contract source to calibrate."""
    copy = tmp_path / "contracts"
    shutil.copytree(
        contract().source.parent, copy, ignore=shutil.ignore_patterns("bundled", "seed")
    )
    return copy


def applied(contracts: Path, overlay: dict = OVERLAY) -> list[str]:
    files = SourceFiles(contracts)
    report = apply(overlay, files)
    files.save()
    return [outcome for _, _, outcome in report]


def test_each_action_lands_in_the_source_file_that_holds_its_target(contracts):
    outcomes = applied(contracts)
    assert all(outcome.startswith(APPLIED) for outcome in outcomes), outcomes
    envelope = yaml.safe_load((contracts / "components" / "envelope.yaml").read_text())
    schemas = yaml.safe_load((contracts / "components" / "schemas.yaml").read_text())
    evidence = yaml.safe_load((contracts / "evidence.yaml").read_text())
    account = yaml.safe_load((contracts / "paths" / "account.yaml").read_text())
    assert envelope["Metadata"]["properties"]["requestid"] == {"type": "string"}
    assert schemas["Phone"]["pattern"].endswith("^[ +0-9]{12}$")
    assert "newsletter" not in schemas["User"]["required"]
    assert evidence["schemas"]["schemas/Phone"]["pattern"] == {"source": SOURCE, "says": "widened"}
    assert evidence["sources"][SOURCE]["grade"] == "observed"
    response = account["register"]["post"]["responses"]["200"]
    # A $ref of the bundled view, as the path file writes it.
    assert response["content"]["application/json"]["schema"] == {
        "$ref": "../components/envelope.yaml#/ErrorEnvelope"
    }


def test_the_rest_of_a_file_stays_as_it_was(contracts):
    before = (contracts / "components" / "envelope.yaml").read_text().splitlines()
    applied(contracts)
    after = (contracts / "components" / "envelope.yaml").read_text().splitlines()
    diff = [line for line in difflib.ndiff(before, after) if line[:1] in "+-"]
    # Comments, quotes and layout kept: the two lines of the new property are the change.
    assert diff == ["+     requestid:", "+       type: string"]


def test_an_overlay_applied_twice_is_already_applied(contracts):
    applied(contracts)
    outcomes = applied(contracts)
    assert outcomes[1] == ALREADY  # the property is there as the overlay has it
    assert outcomes[2].startswith(STALE)  # the pattern is not the one the run saw any more


def test_an_action_whose_contract_changed_since_is_named_not_applied(contracts):
    schemas = contracts / "components" / "schemas.yaml"
    schemas.write_text(schemas.read_text().replace("'^\\+[1-9][0-9]{6,14}$'", "'^\\+[0-9]+$'"))
    outcomes = applied(contracts)
    assert outcomes[2].startswith(f"{STALE}: pattern was")
    assert "'^\\\\+[0-9]+$'" in outcomes[2]
    assert "^\\+[0-9]+$" in schemas.read_text()  # untouched
    assert all(outcome.startswith(APPLIED) for i, outcome in enumerate(outcomes) if i != 2)


def test_an_action_whose_target_is_gone_is_named(contracts):
    overlay = {
        **OVERLAY,
        "actions": [{"target": "$.components.schemas.Gone.properties", "update": {"x": {}}}],
    }
    assert applied(contracts, overlay) == [f"{STALE}: the target is gone"]


def test_a_document_that_is_no_overlay_is_refused(tmp_path, capsys):
    path = tmp_path / "o.yaml"
    path.write_text("overlay: 1.0.0\nactions: []\n")
    assert main([str(path), str(tmp_path)]) == 2
    assert "no Overlay 1.0 document" in capsys.readouterr().out
