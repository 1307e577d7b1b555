"""Calibration: the contract change a run implies, as an OpenAPI Overlay a team reviews and
applies (scripts/calibrate-contract).

The findings of a run are the drift (nexx_conformance.drift: fields, statuses and content
types no schema names) and the guessed-rule warnings (nexx_conformance.guessed_rules:
rules of ours the target did not keep). Each becomes one action on the contract, and the
actions that move its evidence (contracts/evidence.yaml) to `observed`, citing this run as
a source:
  - an undocumented field: an optional property with the JSON types seen, in the schema
    that owns the path (a shared component where the path runs through one);
  - an undocumented status: a response of the operation, with the envelope schema (that of
    a documented status of the same class, the error envelope for a refusal);
  - an undocumented content type: added to the response of that status;
  - a guessed schema keyword the target broke: relaxed in the least way that admits what
    was seen (a wider pattern or length, another type, an added enumeration value, a member
    made optional, a closed object given the members seen or opened where their names look
    like data), or removed where nothing narrower fits.
A finding that would relax a `stated` or `observed` rule gets no action: it is a failure
or a known deviation, not a calibration. It is listed in the overlay's
`info.x-nexx-uncalibrated` with the findings no contract keyword expresses (the suite's
own rules, a choice of schemas), for a person to review.

An overlay never holds a value of an answer: only names, JSON types, counts and shapes
(nexx_conformance.shapes); an enumeration gains a value only when it is a word of a closed
vocabulary, and the written text is scanned for secrets (recording.secret_scan) before it
is written.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nexx_conformance.contract import of_document, pointer
from nexx_conformance.evidence import EvidenceBook, operation_locations
from nexx_conformance.overlay import (
    CONTENT_TYPE,
    FIELD,
    GUESSED_RULE,
    STATUS,
    Action,
    EvidenceEdits,
    document,
    segments,
)
from nexx_conformance.recording.secret_scan import findings as secret_findings
from nexx_conformance.relaxation import Observed, relaxation
from nexx_conformance.shapes import reads_as_name

CLOSING = ("additionalProperties", "unevaluatedProperties")
COMBINATORS = ("allOf", "anyOf", "oneOf")
CHOICES = ("anyOf", "oneOf", "not")
JSON = "application/json"
SHOWN_OPERATIONS = 5
MAX_DEPTH = 32


def target_label(base_url: str) -> str:
    """The target as an overlay names it: host and path, never credentials or a query."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        return base_url
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"


def operations_text(operations: Counter) -> str:
    names = sorted(operations)
    shown = ", ".join(names[:SHOWN_OPERATIONS])
    more = f" and {len(names) - SHOWN_OPERATIONS} more" if len(names) > SHOWN_OPERATIONS else ""
    return f"{len(names)} operation{'s' if len(names) != 1 else ''} ({shown}{more})"


def answers_text(count: int) -> str:
    return f"{count} answer{'s' if count != 1 else ''}"


def shown_path(path: str) -> str:
    """A JSON path as an overlay may show it: a member name that looks like data is `*`."""
    return re.sub(
        r"\.([^.\[]+)", lambda m: "." + (m.group(1) if reads_as_name(m.group(1)) else "*"), path
    )


class Calibration:
    """The overlay one run implies: fed with the drift summary and the guessed-rule
    warnings, it gives the overlay document (None: nothing to calibrate)."""

    def __init__(
        self, bundle: dict[str, Any], evidence: EvidenceBook, target: str, when: datetime
    ) -> None:
        self.bundle = bundle
        document = of_document(bundle)
        self.at = document.at  # a pointer or local `$ref` of the bundle, resolved
        # (pointer, node) of a node found at a pointer, its `$ref` followed once if it is one.
        self.reference = document.reference
        self.evidence = evidence
        self.target = target_label(target)
        self.when = when
        self.day = when.strftime("%Y-%m-%d")
        host = urlsplit(self.target).netloc or "target"
        self.source_id = f"calibration-{self.day}-{re.sub(r'[^A-Za-z0-9.-]', '-', host)}"
        self.edits = EvidenceEdits(evidence)
        self.actions: list[Action] = []
        self.uncalibrated: list[dict[str, Any]] = []
        self.findings = 0
        self.operations = {
            operation: location for location, operation in operation_locations(bundle).items()
        }
        # Names a closed object was seen with, by the object's pointer (guessed warnings).
        self.claims: dict[str, set[str]] = {}
        self.fields: dict[tuple[str, str], Observed] = {}
        self.keywords: dict[tuple[str, str, str | None], Observed] = {}

    # -- the evidence of this run ------------------------------------------------------

    @property
    def cited(self) -> str:
        return f"observed on {self.target} on {self.day} (evidence source {self.source_id})"

    def says(self, text: str) -> dict[str, str]:
        return {"source": self.source_id, "says": text}

    def next_finding(self) -> int:
        self.findings += 1
        return self.findings

    def skip(self, operation: str, finding: str, why: str) -> None:
        entry = {"operation": operation, "finding": finding, "why": why}
        if entry not in self.uncalibrated:
            self.uncalibrated.append(entry)

    # -- reading the findings ----------------------------------------------------------

    def add_warnings(self, warnings: Iterable[dict[str, Any]]) -> None:
        """The guessed-rule warnings (GuessedWarnings.as_data()): each broken keyword's
        shape, grouped by where it broke; rules no keyword expresses are listed apart."""
        for warning in warnings:
            operation = warning["operation"]
            graded = {item.get("rule") for item in warning.get("seen", ())}
            for item in warning.get("seen", ()):
                keyword, location = item["keyword"], item["location"]
                if keyword in CLOSING:
                    observed = self.keywords.setdefault((location, keyword, None), Observed())
                    observed.add(operation, item["at"], item["shape"], word=False)
                    continue
                key = (location, keyword, item.get("member"))
                observed = self.keywords.setdefault(key, Observed())
                observed.add(operation, item["at"], item["shape"], keyword in ("enum", "const"))
                observed.request = observed.request or item.get("request", False)
            for rule, reason in warning.get("rules", ()):
                if rule.startswith(f"{operation} answers ") or rule in graded:
                    continue  # a status (the drift's status finding) or a keyword above
                self.skip(
                    operation,
                    rule,
                    f"no keyword of the contract the run could locate and relax (guessed: "
                    f"{reason}): one of the suite's own rules, a header or a status; relax "
                    "the check, or accept it with a known-deviations entry",
                )
        for (location, keyword, _), observed in self.keywords.items():
            if keyword in CLOSING:
                self.claims.setdefault(location, set()).update(observed.names)

    def add_drift(self, summary: dict[str, Any]) -> None:
        """The drift report (DriftLog.summary()): fields, statuses and content types."""
        for entry in summary.get("operations", ()):
            operation = entry["operationId"]
            for found in entry.get("undocumented_fields", ()):
                self.add_field(operation, found["path"], found["types"], found["seen"])
            for status, count in entry.get("undocumented_statuses", {}).items():
                self.add_status(operation, status, count)
            for key, count in entry.get("undocumented_content_types_by_status", {}).items():
                status, media_type = key.split(" ", 1)
                self.add_content_type(operation, status, media_type, count)

    # -- fields ------------------------------------------------------------------------

    def add_field(self, operation: str, path: str, types: list[str], count: int) -> None:
        parts = re.findall(r"\.([^.\[]+)|(\[\])", path)
        *parents, (name, _) = parts
        owner = self.owner(operation, [member or "[]" for member, _ in parents], name)
        if owner is None:
            self.skip(operation, f"field {shown_path(path)}", "no schema of the operation owns it")
            return
        observed = self.fields.setdefault((owner, name), Observed())
        observed.count += count
        observed.operations[operation] += count
        observed.paths.add(path)
        observed.types.update(types)

    def owner(self, operation: str, parents: list[str], name: str) -> str | None:
        """The pointer of the schema that owns member `name` of the object at `parents`:
        the closed object a warning saw it in, else an open object (a closed one would have
        refused it), a shared component first, the one naming most members."""
        candidates: dict[str, dict] = {}
        for root, schema in self.response_schemas(operation):
            nodes = self.expand(root, schema)
            for part in parents:
                nodes = self.children(nodes, part)
            for at, node in nodes:
                if isinstance(node, dict) and ("properties" in node or "patternProperties" in node):
                    candidates.setdefault(at, node)
        for at in candidates:
            if name in self.claims.get(at, ()):
                return at
        ranked = sorted(
            candidates.items(),
            key=lambda item: (
                closed(item[1]),
                not item[0].startswith("#/components/"),
                -len(item[1].get("properties") or {}),
            ),
        )
        return ranked[0][0] if ranked else None

    def response_schemas(self, operation: str) -> Iterator[tuple[str, Any]]:
        location = self.operations.get(operation)
        if location is None:
            return
        for code, response in (self.at(location).get("responses") or {}).items():
            at, response = self.reference(response, f"{location}/responses/{pointer(code)}")
            schema = ((response.get("content") or {}).get(JSON) or {}).get("schema")
            if schema is not None:
                yield f"{at}/content/{pointer(JSON)}/schema", schema

    def expand(self, at: str, node: Any, depth: int = 0) -> list[tuple[str, Any]]:
        """The node and every schema it stands for: `$ref`s followed, combinators' members."""
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return []
        found = [(at, node)]
        ref, target = self.reference(node, at)
        if target is not node:
            found += self.expand(ref, target, depth + 1)
        for keyword in COMBINATORS:
            for index, member in enumerate(node.get(keyword) or ()):
                found += self.expand(f"{at}/{keyword}/{index}", member, depth + 1)
        return found

    def children(self, nodes: list[tuple[str, Any]], part: str) -> list[tuple[str, Any]]:
        found = []
        for at, node in nodes:
            if part == "[]" and isinstance(node.get("items"), dict):
                found += self.expand(f"{at}/items", node["items"])
            elif part in (node.get("properties") or {}):
                child = node["properties"][part]
                found += self.expand(f"{at}/properties/{pointer(part)}", child)
        if not found and part != "[]":
            for at, node in nodes:
                if isinstance(node.get("additionalProperties"), dict):
                    found += self.expand(f"{at}/additionalProperties", node["additionalProperties"])
        return found

    def write_fields(self) -> None:
        opened = self.write_openings()
        for (owner, name), observed in sorted(self.fields.items()):
            if not reads_as_name(name):
                continue  # write_openings
            node = self.at(owner)
            what = f"field {shown_path(min(observed.paths))}"
            closing = next((k for k in CLOSING if node.get(k) is False), None)
            relaxes = ""
            if closing is not None and owner not in opened:
                grade = self.evidence.keyword_at(owner, closing)
                if not grade.guessed:
                    self.skip(
                        min(observed.operations),
                        what,
                        f"{self.place(owner)} is closed ({grade.line()}): a failure or a "
                        "known deviation, not a calibration",
                    )
                    continue
                relaxes = (
                    f" The object was closed only by a guess ({grade.detail}); it stays closed "
                    "to other members."
                )
            finding = self.next_finding()
            types = sorted(observed.types)
            schema = {
                "type": types[0] if len(types) == 1 else types,
                "description": f"Not on any docs page; observed on {self.target} on {self.day}.",
            }
            text = (
                f"Undocumented {what} ({', '.join(types)}) in "
                f"{answers_text(observed.count)} of {operations_text(observed.operations)}: "
                f"added as an optional property of {self.place(owner)}.{relaxes} "
                f"Evidence: {self.cited}."
            )
            if "properties" in node:
                self.actions.append(
                    Action(
                        (*segments(owner), "properties"),
                        text,
                        finding,
                        FIELD,
                        update={name: schema},
                        absent=[name],
                    )
                )
            else:
                self.actions.append(
                    Action(
                        segments(owner), text, finding, FIELD, update={"properties": {name: schema}}
                    )
                )
            key = self.evidence.first_key(f"{owner}/properties/{pointer(name)}")
            if key is not None:
                self.actions += self.edits.grade(
                    "schemas",
                    key,
                    "type",
                    self.says(
                        f"answered {what} as {', '.join(types)} in {answers_text(observed.count)}"
                    ),
                    finding,
                    f"Evidence of finding {finding}: the type of {what} is {self.cited}.",
                )

    def write_openings(self) -> set[str]:
        """Closed objects that held members whose names look like data (keys of a map):
        opened where the closing was a guess, one finding per object. Their pointers."""
        unnamed: dict[str, Observed] = {}
        for (owner, name), observed in self.fields.items():
            if not reads_as_name(name):
                merged = unnamed.setdefault(owner, Observed())
                merged.count += observed.count
                merged.operations.update(observed.operations)
        opened = set()
        for owner, observed in sorted(unnamed.items()):
            node = self.at(owner)
            closing = next((k for k in CLOSING if node.get(k) is False), None)
            what = f"members of {self.place(owner)} whose names look like data (keys of a map)"
            grade = self.evidence.keyword_at(owner, closing) if closing else None
            if grade is None or not grade.guessed:
                self.skip(
                    min(observed.operations),
                    what,
                    "no closing of the object to relax: document the map by hand"
                    if grade is None
                    else f"the object is closed ({grade.line()}): a failure or a known "
                    "deviation, not a calibration",
                )
                continue
            finding = self.next_finding()
            text = (
                f"A guessed closed object, {self.place(owner)}, held members whose names look "
                f"like data (keys of a map) in {answers_text(observed.count)} "
                f"of {operations_text(observed.operations)}: opened ({closing} removed; guessed: "
                f"{grade.detail}). Evidence: {self.cited}."
            )
            self.actions.append(
                Action(
                    (*segments(owner), closing),
                    text,
                    finding,
                    GUESSED_RULE,
                    remove=True,
                    expects={},
                )
            )
            self.drop_evidence(owner, closing, finding, text)
            opened.add(owner)
        return opened

    # -- statuses and content types -----------------------------------------------------

    def add_status(self, operation: str, status: str, count: int) -> None:
        location = self.operations.get(operation)
        what = f"status {status}"
        if location is None:
            return
        rule = (
            self.evidence.rule("no-server-error").evidence
            if status.startswith("5")
            else self.evidence.complete_statuses(operation)
        )
        if not rule.guessed:
            self.skip(
                operation,
                what,
                f"breaks a rule that is not a guess ({rule.line()}): a failure or a known "
                "deviation, not a calibration",
            )
            return
        finding = self.next_finding()
        response = {
            "description": f"Not on any docs page; answered by {self.target} on {self.day}.",
            "content": {JSON: {"schema": self.envelope(location, status)}},
        }
        text = (
            f"Undocumented status: {operation} answered {status} in {answers_text(count)}, "
            f"which the contract does not document: added as a response of {operation} with "
            f"the envelope schema. Evidence: {self.cited}."
        )
        self.actions.append(
            Action(
                (*segments(location), "responses"),
                text,
                finding,
                STATUS,
                update={status: response},
                absent=[status],
            )
        )
        self.actions += self.edits.grade(
            "statuses",
            operation,
            status,
            self.says(f"answered {status} in {answers_text(count)}"),
            finding,
            f"Evidence of finding {finding}: {operation} answers {status}, {self.cited}.",
        )

    def envelope(self, location: str, status: str) -> dict[str, Any]:
        """The schema of a documented status of the same class, else the error envelope
        (a refusal) or the bare envelope (metadata and any result)."""
        responses = self.at(location).get("responses") or {}
        for code, response in responses.items():
            if code[:1] != status[:1] or not code.isdigit():
                continue
            _, response = self.reference(response, location)
            schema = ((response.get("content") or {}).get(JSON) or {}).get("schema")
            if schema is not None:
                return copy.deepcopy(schema)
        schemas = (self.bundle.get("components") or {}).get("schemas") or {}
        if status.startswith("4") and "ErrorEnvelope" in schemas:
            return {"$ref": "#/components/schemas/ErrorEnvelope"}
        return {
            "type": "object",
            "required": ["metadata"],
            "properties": {"metadata": {"$ref": "#/components/schemas/Metadata"}},
        }

    def add_content_type(self, operation: str, status: str, media_type: str, count: int) -> None:
        location = self.operations.get(operation)
        what = f"content type {media_type} on {status}"
        if location is None:
            return
        rule = self.evidence.rule("content-type")
        if not rule.evidence.guessed:
            self.skip(
                operation,
                what,
                f"breaks the rule that {rule.title} ({rule.evidence.line()}): a failure or a "
                "known deviation, not a calibration",
            )
            return
        responses = self.at(location).get("responses") or {}
        response = responses.get(status)
        if response is None:
            return  # an undocumented status: the status finding adds it
        at, _ = self.reference(response, f"{location}/responses/{pointer(status)}")
        shared = "" if at.startswith(location) else f" (the shared response {segments(at)[-1]})"
        finding = self.next_finding()
        text = (
            f"Undocumented content type: {operation} answered {status} as {media_type} in "
            f"{answers_text(count)}: added to that response{shared}; the suite's rule that "
            f"{rule.title} is guessed ({rule.evidence.detail}). Evidence: {self.cited}."
        )
        self.actions.append(
            Action(
                (*segments(at), "content"),
                text,
                finding,
                CONTENT_TYPE,
                update={media_type: {"schema": {}}},
                absent=[media_type],
            )
        )

    # -- guessed keywords --------------------------------------------------------------

    def write_keywords(self) -> None:
        for (location, keyword, member), observed in sorted(
            self.keywords.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or "")
        ):
            if keyword in CLOSING:
                continue  # the members seen are field findings (write_fields)
            node = self.at(location)
            operation = min(observed.operations)
            what = f"{keyword} at {shown_path(min(observed.paths))}"
            grade = self.evidence.keyword_at(location, keyword, member)
            if not grade.guessed:  # a warning of a rule graded otherwise since: not ours
                continue
            if keyword in CHOICES or keyword not in node and keyword != "required":
                self.skip(
                    operation,
                    what,
                    f"a choice of schemas ({keyword}) has no least relaxation: review by hand",
                )
                continue
            self.relax(location, node, keyword, member, observed, what, grade.detail)

    def relax(
        self,
        location: str,
        node: dict[str, Any],
        keyword: str,
        member: str | None,
        observed: Observed,
        what: str,
        why: str,
    ) -> None:
        finding = self.next_finding()
        at = segments(location)
        old = node.get(keyword)
        side = "requests the contract calls invalid were accepted" if observed.request else ""
        seen = (
            f"{answers_text(observed.count)} of {operations_text(observed.operations)}"
            if not observed.request
            else f"{observed.count} {side}, in {operations_text(observed.operations)}"
        )
        lead = f"Guessed rule broken: {what} ({self.place(location)}; guessed: {why}) in {seen}:"
        change, update, removed, new_keyword = relaxation(keyword, node, observed, member)
        text = f"{lead} {change}. Evidence: {self.cited}."
        if removed:
            if keyword == "required":
                self.actions.append(
                    Action(
                        (*at, "required"), text, finding, GUESSED_RULE, remove=True, member=member
                    )
                )
                self.drop_evidence(location, f"required/{member}", finding, text)
            else:
                self.actions.append(
                    Action((*at, keyword), text, finding, GUESSED_RULE, remove=True, expects={})
                )
                self.drop_evidence(location, keyword, finding, text)
        if update is not None:
            self.actions.append(
                Action(
                    at,
                    text,
                    finding,
                    GUESSED_RULE,
                    update=update,
                    expects={} if removed else {keyword: old},
                )
            )
            key = self.evidence.first_key(location)
            if key is not None:
                self.actions += self.edits.grade(
                    "schemas",
                    key,
                    new_keyword,
                    self.says(f"{change} ({seen})"),
                    finding,
                    f"Evidence of finding {finding}: the relaxed {new_keyword} is {self.cited}.",
                )

    def drop_evidence(self, location: str, name: str, finding: int, text: str) -> None:
        key = self.evidence.first_key(location)
        if key is not None:
            self.actions += self.edits.drop("schemas", key, name, finding, text)

    def place(self, location: str) -> str:
        parts = segments(location)
        if parts[:2] == ("components", "schemas"):
            rest = "/".join(parts[3:])
            return f"the shared schema {parts[2]}" + (f" ({rest})" if rest else "")
        operation, below = self.evidence.operation_part(location)
        return f"the schema at {operation}:{below}" if operation else location

    # -- the overlay -------------------------------------------------------------------

    def overlay(self) -> dict[str, Any] | None:
        """The overlay document, or None when there is nothing to calibrate."""
        self.write_fields()
        self.write_keywords()
        if not self.actions:
            return None
        source = self.edits.source(
            self.source_id,
            {
                "grade": "observed",
                "title": f"the answers of {self.target} (a calibration run, {self.day})",
                "where": "reports/calibration.overlay.yaml of that run: JSON types, counts and "
                "shapes of the answers, never their values",
            },
            0,
            f"The evidence source of this calibration: the answers of {self.target} on "
            f"{self.day} (observed).",
        )
        info = {
            "title": f"Calibration of the nexx User contract from a run against {self.target}",
            "version": self.when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "x-nexx-about": (
                "Written by the nexx conformance suite: one finding of the run per action on "
                "the contract, with the actions that move its evidence (contracts/evidence.yaml) "
                "to observed. Targets are JSONPaths over contracts/bundled/nexx-user.openapi.yaml; "
                "scripts/calibrate-contract applies them to the source files. No value of an "
                "answer is in it."
            ),
            "x-nexx-target": self.target,
            "x-nexx-findings": self.findings,
        }
        if self.uncalibrated:
            info["x-nexx-uncalibrated"] = self.uncalibrated
        return document(info, [source, *self.actions])


def closed(node: dict[str, Any]) -> bool:
    return any(node.get(keyword) is False for keyword in CLOSING)


def render(overlay: dict[str, Any]) -> str:
    import yaml

    header = (
        "# An OpenAPI Overlay 1.0 document written by the nexx conformance suite: the contract\n"
        "# change this run implies. Review it, then: scripts/calibrate-contract <this file>\n"
    )
    return header + yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True, width=100)


class SecretInOverlay(ValueError):
    """The overlay's text holds something that looks like a secret; it is not written."""


def write(overlay: dict[str, Any], path: Path) -> None:
    """Write the overlay, after a scan for anything that looks like a secret."""
    text = render(overlay)
    found = sorted({rule for rule, _ in secret_findings(text)})
    if found:
        raise SecretInOverlay(
            f"the calibration overlay would hold what looks like a secret ({', '.join(found)}): "
            "not written"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def counts(overlay: dict[str, Any] | None) -> tuple[int, int]:
    """(actions, findings) of an overlay."""
    if overlay is None:
        return 0, 0
    return len(overlay["actions"]), overlay["info"].get("x-nexx-findings", 0)
