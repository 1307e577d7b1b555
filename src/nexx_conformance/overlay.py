"""An OpenAPI Overlay 1.0 document (the OAI Overlay Specification) and its actions.

An action names its target as a JSONPath (RFC 9535) over the contract's bundled view
(contracts/bundled/nexx-user.openapi.yaml, every shared part under #/components/); the
contract's evidence is part of that view (`$['x-nexx-evidence']`, contracts/evidence.yaml).
scripts/calibrate-contract maps each target back to the source file that holds it
(nexx_conformance.contract_source).

Two extensions of ours on an action say what the contract looked like when it was written,
so an action that no longer applies (the contract changed since) is reported, not applied
blindly: `x-nexx-expects` (members of the target and the values they had) and
`x-nexx-absent` (members the target did not have; an update adds them). `x-nexx-finding`
numbers the finding an action belongs to: a finding is one action on the contract and the
actions that move its evidence.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from nexx_conformance.contract import unescape
from nexx_conformance.evidence import EXTENSION, EvidenceBook, is_evidence

OVERLAY_VERSION = "1.0.0"
# The official JSON Schema of Overlay 1.0 (vendored, its source named in the file).
SCHEMA_FILE = Path(__file__).with_name("overlay-1.0.schema.yaml")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EXPECTS, ABSENT, FINDING, KIND = "x-nexx-expects", "x-nexx-absent", "x-nexx-finding", "x-nexx-kind"
# What a finding is (x-nexx-kind of its actions); the actions that move evidence are "evidence".
FIELD, STATUS, CONTENT_TYPE, GUESSED_RULE, EVIDENCE = (
    "undocumented field",
    "undocumented status",
    "undocumented content type",
    "guessed rule",
    "evidence",
)


def segments(pointer: str) -> tuple[str, ...]:
    """`#/components/schemas/User` -> ("components", "schemas", "User")."""
    return tuple(unescape(part) for part in pointer.lstrip("#/").split("/") if part != "")


def jsonpath(target: Sequence[str], member: str | None = None) -> str:
    """An RFC 9535 path of plain member names; `member`: the list item equal to it."""
    text = "$" + "".join(
        f".{name}" if IDENTIFIER.fullmatch(name) else "['" + name.replace("'", "\\'") + "']"
        for name in target
    )
    return text + (f"[?(@ == '{member}')]" if member is not None else "")


@dataclass
class Action:
    """One overlay action: an update merged into its target, or the target removed."""

    target: tuple[str, ...]
    description: str
    finding: int
    kind: str = EVIDENCE
    update: Any = None
    remove: bool = False
    member: str | None = None  # remove this item of the target list
    expects: dict[str, Any] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "target": jsonpath(self.target, self.member),
            "description": self.description,
        }
        if self.remove:
            data["remove"] = True
        else:
            data["update"] = self.update
        data[FINDING] = self.finding
        data[KIND] = self.kind
        if self.expects:
            data[EXPECTS] = self.expects
        if self.absent:
            data[ABSENT] = self.absent
        return data


class EvidenceEdits:
    """The actions that grade rules in contracts/evidence.yaml (the bundle's
    `x-nexx-evidence`), kept against a copy of it so that later actions see earlier ones."""

    def __init__(self, evidence: EvidenceBook) -> None:
        self.sections = copy.deepcopy(evidence.raw())

    def source(self, source_id: str, entry: dict[str, str], finding: int, text: str) -> Action:
        self.sections.setdefault("sources", {})[source_id] = entry
        return Action(
            (EXTENSION, "sources"), text, finding, update={source_id: entry}, absent=[source_id]
        )

    def grade(
        self, section: str, key: str, name: str, value: dict[str, str], finding: int, text: str
    ) -> list[Action]:
        """The actions that make `value` the evidence of `name` at `key` of `section`."""
        entries = self.sections.setdefault(section, {})
        where = (EXTENSION, section)
        if key not in entries or not isinstance(entries[key], dict):
            entries[key] = {name: value}
            return [Action(where, text, finding, update={key: {name: value}}, absent=[key])]
        current = entries[key]
        if is_evidence(current):
            # One entry graded everything at and below `key`: it keeps doing so as `*`.
            entries[key] = {"*": dict(current), name: value}
            update = {"*": dict(current), name: value}
            return [
                Action((*where, key), text, finding, update=update, absent=["*", name]),
                *(
                    Action((*where, key, old), text, finding, remove=True)
                    for old in current
                    if old not in update
                ),
            ]
        if name not in current:
            current[name] = value
            return [Action((*where, key), text, finding, update={name: value}, absent=[name])]
        old = current[name]
        current[name] = value
        actions = [
            Action((*where, key, name), text, finding, update=value, expects=copy.deepcopy(old))
        ]
        # The update merges: what the old entry had and the new one has not goes.
        actions += [
            Action((*where, key, name, member), text, finding, remove=True)
            for member in (old if isinstance(old, dict) else {})
            if member not in value
        ]
        return actions

    def drop(self, section: str, key: str, name: str, finding: int, text: str) -> list[Action]:
        """The actions that remove the evidence of a rule that is gone (if it has its own)."""
        current = self.sections.get(section, {}).get(key)
        if not isinstance(current, dict) or is_evidence(current) or name not in current:
            return []
        del current[name]
        if not current:  # nothing left at the key: the key goes
            del self.sections[section][key]
            return [Action((EXTENSION, section, key), text, finding, remove=True)]
        return [Action((EXTENSION, section, key, name), text, finding, remove=True)]


def document(info: dict[str, Any], actions: list[Action]) -> dict[str, Any]:
    """The overlay: `info` and the actions, each once (the schema wants them unique)."""
    listed: list[dict[str, Any]] = []
    for action in actions:
        data = action.as_data()
        if data not in listed:
            listed.append(data)
    return {"overlay": OVERLAY_VERSION, "info": info, "actions": listed}


@cache
def overlay_schema() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))


def schema_errors(overlay: dict[str, Any]) -> list[str]:
    """What the Overlay 1.0 JSON Schema finds wrong with `overlay`, one line each."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(overlay_schema())
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(overlay)
    ]
