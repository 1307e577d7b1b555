"""Where each rule of the suite comes from: its grade and its source.

Every assertion the suite makes is a rule of one of three grades:
- `stated`: the User endpoint page or an official docs page says so (the page is named);
- `observed`: a captured answer of a real nexx system, or the code of an official client,
  shows it (the capture or the file is named);
- `guessed`: nothing public says so; the contract chose, and says why.

The grades live in one place, contracts/evidence.yaml (in the bundle, `x-nexx-evidence`),
and this module is its one reader. The file grades three kinds of rule:
- `rules`: the suite's own rules, each asserted by one check (the envelope, errors,
  paging, verbs, refusal of invalid input, content types, headers, sessions, secrets);
- `statuses`: the statuses each operation answers, one rule per documented status, and
  one that it answers no other (`complete`);
- `schemas`: every keyword of every schema (type, required field, const, enum, pattern,
  length, closed object, ...), by where the schema is in the bundle:
  `schemas/Metadata/properties/apiversion` below `#/components/`, or
  `register:requestBody/...` below an operation (`*:` for every operation). A keyword is
  graded by the closest entry that names it (or `*`), from its own node up.

On a URL target a failure whose every broken rule is `guessed` is a warning naming each
rule and its reason (nexx_conformance.guessed_rules); `docs/evidence.md` lists every rule
(`python -m nexx_conformance.evidence`, written by scripts/bundle-contract).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nexx_conformance.contract import Document, contract, parsed, pointer

EXTENSION = "x-nexx-evidence"
STATED, OBSERVED, GUESSED = "stated", "observed", "guessed"
GRADES = (STATED, OBSERVED, GUESSED)
# A rule that rests on several parts is as strong as its weakest part.
STRENGTH = {GUESSED: 0, OBSERVED: 1, STATED: 2}
ANY = "*"
COMPLETE = "complete"
COMPONENTS = "#/components/"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")

# The keywords that assert something (a rule each); the others only lead to subschemas.
ASSERTIONS = (
    "type",
    "required",
    "const",
    "enum",
    "pattern",
    "format",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "additionalProperties",
    "unevaluatedProperties",
    "anyOf",
    "oneOf",
    "not",
)
# The keywords whose values are schemas (one, a list or a map of them).
ONE_SCHEMA = ("items", "not", "if", "then", "else", "contains", "propertyNames")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs")
MAYBE_SCHEMA = ("additionalProperties", "unevaluatedProperties", "unevaluatedItems")


class EvidenceError(ValueError):
    """contracts/evidence.yaml cannot be read as evidence; the message says where."""


@dataclass(frozen=True)
class Source:
    """A public source a rule rests on."""

    id: str
    grade: str
    title: str
    where: str


@dataclass(frozen=True)
class Evidence:
    """Why the suite asserts a rule: its grade, the source and its words, or the reason of
    a guess; `entry` is the key of contracts/evidence.yaml that says so."""

    grade: str
    detail: str
    source: Source | None = None
    entry: str = ""

    @property
    def guessed(self) -> bool:
        return self.grade == GUESSED

    def line(self) -> str:
        """`guessed: <why>` or `stated: <source title> ("<its words>")`."""
        if self.source is None:
            return f"{self.grade}: {self.detail}"
        said = f' ("{self.detail}")' if self.detail else ""
        return f"{self.grade}: {self.source.title}{said}"


def weakest(*items: Evidence) -> Evidence:
    """The evidence of a rule that rests on all of `items`."""
    return min(items, key=lambda item: STRENGTH[item.grade])


@dataclass(frozen=True)
class SuiteRule:
    """One of the suite's own rules (contracts/evidence.yaml, `rules`)."""

    id: str
    title: str
    evidence: Evidence


@dataclass(frozen=True)
class GradedRule:
    """Any rule of the suite with its evidence, as docs/evidence.md lists it."""

    kind: str  # rule, status, schema
    where: str  # the rule id, the operation, the schema location
    rule: str  # what is asserted
    evidence: Evidence


class EvidenceBook:
    """The grades of one contract bundle: every rule's evidence, looked up where it is
    asserted (a failing schema node, an operation's status, a check's rule id)."""

    def __init__(self, document: dict[str, Any]) -> None:
        raw = document.get(EXTENSION)
        if not isinstance(raw, dict):
            raise EvidenceError(f"the contract has no {EXTENSION} (contracts/evidence.yaml)")
        self.document = document
        self.sources = {
            key: Source(
                key, value.get("grade", ""), value.get("title", key), value.get("where", "")
            )
            for key, value in (raw.get("sources") or {}).items()
        }
        for source in self.sources.values():
            if source.grade not in (STATED, OBSERVED):
                raise EvidenceError(f"source {source.id}: grade must be stated or observed")
        self._rules = raw.get("rules") or {}
        self._statuses = raw.get("statuses") or {}
        self._schemas = raw.get("schemas") or {}
        self.operations = operation_locations(document)
        self._locations: dict[int, str] = {}
        index_nodes(document, "#", self._locations)

    def raw(self) -> dict[str, Any]:
        """The sections of contracts/evidence.yaml as written (sources, rules, statuses,
        schemas): what a calibration edits (nexx_conformance.overlay.EvidenceEdits)."""
        return self.document[EXTENSION]

    def first_key(self, at: str) -> str | None:
        """The key of `schemas` that grades the node at `at` alone (its own location)."""
        key = next(self.keys_for(at))
        return None if key == ANY else key

    # -- reading an entry -----------------------------------------------------------------

    def evidence(self, value: Any, entry: str) -> Evidence:
        """`{source: id, says: "..."}` or `{guessed: "why"}` as Evidence."""
        if isinstance(value, dict) and isinstance(value.get(GUESSED), str):
            return Evidence(GUESSED, value[GUESSED], None, entry)
        if isinstance(value, dict) and value.get("source") in self.sources:
            source = self.sources[value["source"]]
            return Evidence(source.grade, str(value.get("says", "")), source, entry)
        raise EvidenceError(
            f"{entry}: expected {{source: <one of sources>, says: ...}} or {{guessed: <why>}}, "
            f"got {value!r}"
        )

    # -- the suite's own rules ------------------------------------------------------------

    def rule(self, rule_id: str) -> SuiteRule:
        entry = self._rules.get(rule_id)
        if not isinstance(entry, dict):
            raise EvidenceError(f"rules.{rule_id}: no such rule in contracts/evidence.yaml")
        return SuiteRule(
            rule_id, str(entry.get("title", rule_id)), self.evidence(entry, f"rules.{rule_id}")
        )

    def rule_ids(self) -> tuple[str, ...]:
        return tuple(self._rules)

    # -- statuses -------------------------------------------------------------------------

    def status(self, operation_id: str, status: int | str) -> Evidence:
        """Why `operation_id` answers `status` (a documented status)."""
        return self._status_entry(operation_id, str(status))

    def documented_statuses(self, operation_id: str) -> tuple[str, ...]:
        """The statuses the contract documents for `operation_id` ("201", "4XX", ...)."""
        for prefix, found in self.operations.items():
            if found == operation_id:
                return tuple(Document(self.document).at(prefix).get("responses") or ())
        return ()

    def complete_statuses(self, operation_id: str) -> Evidence:
        """Why `operation_id` answers no status but those it documents."""
        return self._status_entry(operation_id, COMPLETE)

    def _status_entry(self, operation_id: str, key: str) -> Evidence:
        for operation in (operation_id, ANY):
            entries = self._statuses.get(operation) or {}
            if is_evidence(entries):  # every status of the operation alike
                return self.evidence(entries, f"statuses.{operation}")
            for name in (key, ANY):
                if name in entries:
                    return self.evidence(entries[name], f"statuses.{operation}.{name}")
        raise EvidenceError("statuses.*.*: contracts/evidence.yaml needs a default for statuses")

    # -- schema keywords ------------------------------------------------------------------

    def keyword(self, node: Any, keyword: str, field: str | None = None) -> Evidence:
        """The evidence of `keyword` (of its `field`, for `required`) of a schema node of
        the bundle document (a jsonschema error's `schema`)."""
        return self.keyword_at(self.location(node), keyword, field)

    def location(self, node: Any) -> str:
        """The JSON pointer of a node of the bundle document, "#" when it is not one."""
        return self._locations.get(id(node), "#")

    def keyword_at(self, at: str, keyword: str, field: str | None = None) -> Evidence:
        names = ([f"{keyword}/{field}"] if field else []) + [keyword, ANY]
        for key in self.keys_for(at):
            entries = self._schemas.get(key)
            if not isinstance(entries, dict):
                continue
            if is_evidence(entries):  # every keyword at and below the location alike
                return self.evidence(entries, f"schemas.{key}")
            for name in names:
                if name in entries:
                    return self.evidence(entries[name], f"schemas.{key}.{name}")
        raise EvidenceError("schemas.*: contracts/evidence.yaml needs a default for schemas")

    def keys_for(self, at: str) -> Iterator[str]:
        """The keys of `schemas` that may grade a node at `at`, closest first."""
        if at.startswith(COMPONENTS):
            parts = at[len(COMPONENTS) :].split("/")
            for end in range(len(parts), 0, -1):
                yield "/".join(parts[:end])
        else:
            operation, below = self.operation_part(at)
            if operation is not None:
                parts = below.split("/") if below else []
                for name in (operation, ANY):
                    for end in range(len(parts), -1, -1):
                        yield f"{name}:" + "/".join(parts[:end])
        yield ANY

    def operation_part(self, at: str) -> tuple[str | None, str]:
        """The operation id a pointer lies in, and the pointer below the operation."""
        for prefix, operation_id in self.operations.items():
            if at == prefix or at.startswith(prefix + "/"):
                return operation_id, at[len(prefix) + 1 :]
        return None, ""

    # -- every rule -----------------------------------------------------------------------

    def graded_rules(self) -> Iterator[GradedRule]:
        """Every rule the suite asserts, with its evidence (docs/evidence.md)."""
        for rule_id in self._rules:
            rule = self.rule(rule_id)
            yield GradedRule("rule", rule_id, rule.title, rule.evidence)
        for prefix, operation_id in self.operations.items():
            responses = Document(self.document).at(prefix).get("responses") or {}
            for status in responses:
                yield GradedRule(
                    "status",
                    operation_id,
                    f"answers {status}",
                    self.status(operation_id, status),
                )
            yield GradedRule(
                "status",
                operation_id,
                "answers no status but those above",
                self.complete_statuses(operation_id),
            )
        for at, node in schema_nodes(self.document):
            for keyword in ASSERTIONS:
                if keyword not in node:
                    continue
                value = node[keyword]
                if keyword == "required":
                    for field in value:
                        yield GradedRule(
                            "schema",
                            at,
                            f"required {field}",
                            self.keyword_at(at, keyword, field),
                        )
                elif keyword in MAYBE_SCHEMA and value is not False:
                    continue  # a schema for the other properties, not a closed object
                else:
                    yield GradedRule(
                        "schema", at, described(keyword, value), self.keyword_at(at, keyword)
                    )


def is_evidence(value: Any) -> bool:
    """An entry that grades everything below it (not a map of keywords or statuses)."""
    return isinstance(value, dict) and ("source" in value or GUESSED in value)


def described(keyword: str, value: Any) -> str:
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        return "closed object (no other properties)"
    if keyword in ("anyOf", "oneOf", "not"):
        return f"{keyword} (the alternatives below)" if keyword != "not" else "not (below)"
    shown = repr(value) if not isinstance(value, str) else value
    return f"{keyword} {shown}" if len(shown) <= 60 else f"{keyword} {shown[:57]}..."


def operation_locations(document: dict[str, Any]) -> dict[str, str]:
    """`#/paths/<template>/<method>` of every operation, mapped to its operationId."""
    found = {}
    for template, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = (item or {}).get(method)
            if isinstance(operation, dict) and operation.get("operationId"):
                found["#/" + pointer("paths", template, method)] = operation["operationId"]
    return found


def index_nodes(node: Any, at: str, found: dict[int, str]) -> None:
    """Every dict of the document by identity, to its pointer (a jsonschema error carries
    the very node of the bundle it failed at, not where it is)."""
    if isinstance(node, dict):
        found[id(node)] = at
        for key, value in node.items():
            index_nodes(value, f"{at}/{pointer(key)}", found)
    elif isinstance(node, list):
        for position, value in enumerate(node):
            index_nodes(value, f"{at}/{position}", found)


def schema_nodes(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema of the bundle (named, of a parameter, a body, a response or a header)
    and every subschema in it, with its pointer; each node once."""
    roots: list[tuple[str, Any]] = []
    components = document.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        roots.append(("#/" + pointer("components", "schemas", name), schema))
    for section in ("parameters", "responses", "headers", "requestBodies"):
        for name, item in (components.get(section) or {}).items():
            roots += schemas_of(item, "#/" + pointer("components", section, name))
    for prefix in operation_locations(document):
        operation = Document(document).at(prefix)
        for key in ("parameters", "requestBody", "responses"):
            if key in operation:
                roots += schemas_of(operation[key], f"{prefix}/{key}")
    seen: set[int] = set()
    for at, schema in roots:
        yield from subschemas(schema, at, seen)


def schemas_of(node: Any, at: str) -> list[tuple[str, Any]]:
    """The schemas in a parameter, body, response or header object (or lists/maps of them)."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, list):
        for position, item in enumerate(node):
            found += schemas_of(item, f"{at}/{position}")
    elif isinstance(node, dict) and "$ref" not in node:
        for key, value in node.items():
            if key == "schema":
                found.append((f"{at}/schema", value))
            elif (
                key in ("content", "headers")
                or key.isdigit()
                or key in ("default",)
                or isinstance(value, dict)
                and ("schema" in value or "content" in value)
            ):
                found += schemas_of(value, f"{at}/{pointer(key)}")
    return found


def subschemas(schema: Any, at: str, seen: set[int]) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(schema, dict) or "$ref" in schema and len(schema) == 1:
        return
    if id(schema) in seen:
        return
    seen.add(id(schema))
    yield at, schema
    for key in ONE_SCHEMA + MAYBE_SCHEMA:
        if isinstance(schema.get(key), dict):
            yield from subschemas(schema[key], f"{at}/{key}", seen)
    for key in SCHEMA_LISTS:
        for position, item in enumerate(schema.get(key) or []):
            yield from subschemas(item, f"{at}/{key}/{position}", seen)
    for key in SCHEMA_MAPS:
        for name, item in (schema.get(key) or {}).items():
            yield from subschemas(item, f"{at}/{key}/{pointer(name)}", seen)


def book() -> EvidenceBook:
    """The evidence of this process's contract, read once (contract.Contract.evidence)."""
    return contract().evidence


KIND_TITLES = {
    "rule": "The suite's rules",
    "status": "Statuses, by operation",
    "schema": "Schemas, by where they are in the bundle",
}


def counts(rules: list[GradedRule]) -> dict[str, int]:
    """How many rules have each grade."""
    return {grade: sum(rule.evidence.grade == grade for rule in rules) for grade in GRADES}


def markdown(evidence: EvidenceBook) -> str:
    """docs/evidence.md: every rule, its grade and its source, and the counts per grade."""
    rules = list(evidence.graded_rules())
    lines = [
        "# Evidence: every rule the suite asserts, its grade and its source",
        "",
        "Generated from contracts/evidence.yaml by `scripts/bundle-contract` (run it after",
        "editing the contract; `tests/contract/test_evidence.py` fails while this page is out",
        "of date). The grades: `stated` (an official docs page says so), `observed` (a",
        "captured answer of a real nexx system or an official client's code shows it),",
        "`guessed` (the contract's choice, with the reason). On a URL target a failure whose",
        "every broken rule is `guessed` is a warning (`--guessed-rules=warn`, the default there).",
        "",
        count_table(evidence),
        "",
        "## Sources",
        "",
        "| source | grade | what | where |",
        "|---|---|---|---|",
        *(
            f"| `{source.id}` | {source.grade} | {source.title} | {source.where} |"
            for source in evidence.sources.values()
        ),
    ]
    for kind, title in KIND_TITLES.items():
        of_kind = [rule for rule in rules if rule.kind == kind]
        per_grade = counts(of_kind)
        lines += [
            "",
            f"## {title}",
            "",
            ", ".join(f"{grade}: {count}" for grade, count in per_grade.items()) + ".",
            "",
            "| where | rule | grade | source or reason |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {cell(rule.where)} | {cell(rule.rule)} | {rule.evidence.grade} | "
            f"{cell(because(rule.evidence))} |"
            for rule in of_kind
        ]
    return "\n".join(lines) + "\n"


def count_table(evidence: EvidenceBook) -> str:
    """The counts per grade as a Markdown table (README.md, between its evidence markers)."""
    rules = list(evidence.graded_rules())
    rows = [f"| {grade} | {count} |" for grade, count in counts(rules).items()]
    return "\n".join(["| grade | rules |", "|---|---|", *rows, f"| all | {len(rules)} |"])


def because(evidence: Evidence) -> str:
    if evidence.source is None:
        return evidence.detail
    said = f': "{evidence.detail}"' if evidence.detail else ""
    return f"`{evidence.source.id}`{said}"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    # python -m nexx_conformance.evidence [--counts] [BUNDLE]: docs/evidence.md (or the
    # README's counts) on standard output.
    import sys
    from pathlib import Path

    given = [argument for argument in sys.argv[1:] if argument != "--counts"]
    evidence = EvidenceBook(parsed(Path(given[0]))) if given else book()
    # --counts: only the counts per grade (README.md); else docs/evidence.md.
    sys.stdout.write(count_table(evidence) + "\n" if "--counts" in sys.argv else markdown(evidence))
