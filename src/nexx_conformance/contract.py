"""The contract as the suite reads it: one object, built once per process from the bundle.

The source is the root document (contracts/nexx-user.openapi.yaml) with paths/,
components/ and evidence.yaml; scripts/bundle-contract builds the single-file bundle
(bundled/nexx-user.openapi.yaml beside it) and records the source's sha256 in the bundle's
header. Every `$ref` of the bundle is local. This module is the suite's one reader of the
contract's files and its one follower of `$ref`s; every other module asks `contract()`:

- `operations`: each operation's id, method, path template, session kind and marks
  (contract_marks), parameters, responses, tags; found by id or by a request's method and
  path (`operation`, `operation_at`);
- `resolve` / `at`: what a `$ref` or a JSON pointer of the bundle leads to;
- `validator` / `response_schema`: python-jsonschema validators over the bundle, patterns
  read as ECMA-262 (nexx_patterns), for grading and drift;
- `schemathesis_schema()`: a schemathesis schema of its own over the bundle;
- `evidence`: the grade and source of every rule (nexx_conformance.evidence);
- `stale()`: why the bundle is not the current source's, or None.

Which contract: `--contract` > NEXX_CONTRACT > the package's own (nexx_contract: the
checkout's contracts/ or the wheel's copy); `use(path)` sets it for the process.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nexx_contract
from nexx_conformance import contract_marks as marks
from nexx_conformance.config import ConfigError, chosen

if TYPE_CHECKING:
    from nexx_conformance.evidence import EvidenceBook

SOURCE_PARTS = ("nexx-user.openapi.yaml", "evidence.yaml", "paths", "components")
DIGEST_LINE = re.compile(r"^# source sha256: (?P<digest>[0-9a-f]{64})$", re.MULTILINE)
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
# The header parameters every signed call carries; not the operation's own parameters.
SIGNATURE_HEADERS = ("x-request-cid", "x-request-token")
COMPOSITION_KEYS = ("allOf", "anyOf", "oneOf", "then", "else")
MAX_DEPTH = 32
# The base of the `$ref` URIs of validators over the bundle.
BUNDLE_URI = "urn:nexx:bundle"
JSON = "application/json"


def source_digest(root: Path | None = None) -> str:
    """sha256 of the contract source's files in `root` (the package's own contract folder
    unless given), in byte order of their paths, as scripts/bundle-contract writes it into
    the bundle's header."""
    root = root or nexx_contract.directory()
    files = []
    for part in SOURCE_PARTS:
        found = root / part
        if found.is_file():
            files.append(found)
        elif found.is_dir():
            files.extend(found.rglob("*.yaml"))
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda file: file.relative_to(root).as_posix()):
        digest.update(file.read_bytes())
    return digest.hexdigest()


def pointer(*parts: str) -> str:
    """The JSON pointer segments `parts`, escaped and joined ("/{domainid}/x" -> "~1{domainid}~1x")."""
    return "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


@dataclass(frozen=True)
class Operation:
    """One operation of the contract as a request reaches it (method and path template),
    with what the suite reads of it."""

    operation_id: str
    method: str  # upper case
    path: str  # the template below the base URL, /{domainid}/user/profile
    # Names of its parameters (path, query, form body and its own headers) and of its headers.
    parameters: tuple[str, ...] = ()
    header_parameters: tuple[str, ...] = ()
    # Its responses by status, as the bundle has them.
    responses: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Its definition in the bundle (x-nexx marks, tags, ...).
    definition: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(sorted(str(code) for code in self.responses))

    @property
    def session(self) -> str:
        return marks.session_kind_in(self.definition)

    @property
    def destructive(self) -> bool:
        return marks.is_destructive_in(self.definition)

    @property
    def side_effects(self) -> tuple[str, ...]:
        return tuple(marks.side_effects_in(self.definition))

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.definition.get("tags") or ())

    @cached_property
    def pattern(self) -> re.Pattern:
        return path_pattern(self.path)


def path_pattern(template: str) -> re.Pattern:
    # The base URL ("/v3.1") is not part of the template: match the end of the path.
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts if p)
    return re.compile(f"{regex}/?$")


def operation_at(operations: Iterable[Operation], method: str, url_path: str) -> Operation | None:
    """The operation a request reaches: the first whose method and path template it matches."""
    return next(
        (op for op in operations if op.method == method.upper() and op.pattern.search(url_path)),
        None,
    )


class Document:
    """An OpenAPI document whose `$ref`s are local (the bundle), and what it declares."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    # -- references ---------------------------------------------------------------------

    def at(self, where: str) -> Any:
        """What a local `$ref` or JSON pointer ("#/components/schemas/User") points at."""
        node: Any = self.document
        for part in where.lstrip("#/").split("/"):
            node = node[int(part)] if isinstance(node, list) else node[unescape(part)]
        return node

    def find(self, where: str) -> Any:
        """As `at`, {} where nothing is."""
        try:
            return self.at(where)
        except (KeyError, IndexError, ValueError, TypeError):
            return {}

    def resolve(self, node: Any) -> Any:
        """`node`, or what its chain of local `$ref`s ends at ({} for a dangling one)."""
        for _ in range(MAX_DEPTH):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                break
            node = self.find(ref)
        return node

    def resolve_schema(self, node: Any) -> Any:
        """A schema with its `$ref` followed; siblings of the `$ref` apply too (allOf)."""
        for _ in range(MAX_DEPTH):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                return node
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            target = self.find(ref)
            node = {"allOf": [target], **siblings} if siblings else target
        return node

    def resolve_object(self, node: Any) -> Any:
        """A response or other OpenAPI object: a Reference's siblings (summary, description)
        override the target's, they do not combine with it as in a schema."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target = self.resolve({"$ref": node["$ref"]})
            return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def reference(self, node: Any, where: str) -> tuple[str, Any]:
        """(pointer, node) of `node` found at `where`, its `$ref` followed once if it is one."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return node["$ref"], self.find(node["$ref"])
        return where, node

    # -- operations ---------------------------------------------------------------------

    @cached_property
    def operations(self) -> tuple[Operation, ...]:
        """Every operation, in the order of the document's paths (30 ms for the bundle, where
        schemathesis' loading took 0.7 s of a run's start-up; benchmarks/README.md)."""
        found = []
        for template, item in (self.document.get("paths") or {}).items():
            item = self.resolve(item)
            shared = item.get("parameters") or []
            for method in HTTP_METHODS:
                definition = item.get(method)
                if not isinstance(definition, dict):
                    continue
                parameters, headers = set(), set()
                for parameter in (*shared, *(definition.get("parameters") or [])):
                    parameter = self.resolve(parameter)
                    if parameter.get("in") != "header":
                        parameters.add(parameter.get("name"))
                    elif parameter.get("name", "").lower() not in SIGNATURE_HEADERS:
                        headers.add(parameter.get("name"))
                body = self.resolve(definition.get("requestBody") or {})
                for media in (body.get("content") or {}).values():
                    parameters |= self.property_names(media.get("schema"))
                found.append(
                    Operation(
                        operation_id=definition.get("operationId")
                        or f"{method.upper()} {template}",
                        method=method.upper(),
                        path=template,
                        parameters=tuple(sorted(parameters | headers)),
                        header_parameters=tuple(sorted(headers)),
                        responses=definition.get("responses") or {},
                        definition=definition,
                    )
                )
        return tuple(found)

    def property_names(self, schema: Any, depth: int = 0) -> set[str]:
        """Top-level property names of a schema, through allOf/anyOf/if-then-else and $refs."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return set()
        names = set(schema.get("properties") or {})
        for key in COMPOSITION_KEYS:
            members = schema.get(key)
            for member in members if isinstance(members, list) else [members]:
                names |= self.property_names(member, depth + 1)
        return names

    @cached_property
    def _by_id(self) -> dict[str, Operation]:
        return {operation.operation_id: operation for operation in self.operations}

    def operation(self, operation_id: str) -> Operation:
        try:
            return self._by_id[operation_id]
        except KeyError:
            raise KeyError(f"no operation {operation_id!r} in the contract") from None

    def operation_at(self, method: str, url_path: str) -> Operation | None:
        """The operation a request to `url_path` (any base path before the template) reaches."""
        return operation_at(self.operations, method, url_path)

    def method_of(self, operation_id: str) -> str:
        """The HTTP method (upper case) the contract gives an operation: a step sends a call
        with the verb the contract names (DELETE for /interactions/removelike, ...)."""
        return self.operation(operation_id).method

    def tagged(self, tag: str) -> tuple[Operation, ...]:
        """The operations of one tag, in contract order."""
        return tuple(operation for operation in self.operations if tag in operation.tags)

    def definition_at(self, method: str, template: str) -> dict[str, Any]:
        """The definition of the operation at `method` and `template` ({} when none)."""
        item = self.resolve((self.document.get("paths") or {}).get(template) or {})
        return item.get(method.lower()) or {}

    def path_item(self, template: str) -> dict[str, Any]:
        return self.resolve((self.document.get("paths") or {}).get(template) or {})

    # -- schemas and validators ---------------------------------------------------------

    def response_schema(self, method: str, template: str, status: int) -> str | None:
        """The `$ref` URI (for `validator`) of the schema of the documented JSON response
        of an operation for `status` (or its class, or default); None when none."""
        responses = self.definition_at(method, template).get("responses") or {}
        code = str(status) if str(status) in responses else f"{str(status)[0]}XX"
        if code not in responses:
            code = "default" if "default" in responses else None
        if code is None:
            return None
        where, response = self.reference(
            responses[code], "#/" + pointer("paths", template, method.lower(), "responses", code)
        )
        if "schema" not in ((response.get("content") or {}).get(JSON) or {}):
            return None
        return f"{BUNDLE_URI}{where}/" + pointer("content", JSON, "schema")

    def component_schema(self, name: str) -> str:
        """The `$ref` URI (for `validator`) of a shared schema (components/schemas)."""
        return f"{BUNDLE_URI}#/" + pointer("components", "schemas", name)

    def request_schemas(self, method: str, template: str) -> Iterator[tuple[str, str, str]]:
        """(location, name, `$ref` URI of its schema) of each parameter of an operation,
        and ("body", "", URI) of its form body."""
        where = "#/" + pointer("paths", template, method.lower())
        definition = self.find(where)
        for index, parameter in enumerate(definition.get("parameters") or []):
            at, parameter = self.reference(parameter, f"{where}/parameters/{index}")
            if "schema" in parameter:
                yield parameter.get("in"), parameter.get("name"), f"{BUNDLE_URI}{at}/schema"
        form = ((definition.get("requestBody") or {}).get("content") or {}).get(FORM)
        if form and "schema" in form:
            yield (
                "body",
                "",
                f"{BUNDLE_URI}{where}/" + pointer("requestBody", "content", FORM, "schema"),
            )

    def response_headers(self, method: str, template: str, status: int) -> tuple[str, dict]:
        """(pointer, headers) the documented response of `status` declares."""
        where = "#/" + pointer("paths", template, method.lower(), "responses", str(status))
        at, response = self.reference(self.find(where), where)
        return at, (response or {}).get("headers") or {}

    def validator(self, uri: str):
        """A python-jsonschema validator of the bundle's schema at `uri` (a `$ref` URI
        from `response_schema`, `component_schema` or `request_schemas`), patterns and
        `format: regex` read as the contract means them, ECMA-262."""
        return self._validators(uri)

    @cached_property
    def _validators(self):
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        import nexx_patterns

        registry = Registry().with_resource(
            BUNDLE_URI, Resource.from_contents(self.document, DRAFT202012)
        )

        @cache
        def validator(uri: str):
            return nexx_patterns.validator(
                {"$ref": uri}, formats=Draft202012Validator.FORMAT_CHECKER, registry=registry
            )

        return validator

    # -- what other modules are given -----------------------------------------------------

    def schemathesis_schema(self):
        """A schemathesis schema of its own over the bundle (schemathesis writes into the
        document it is given: each schema gets a copy). From the bundle, where every `$ref`
        is local, schemathesis resolves the 73 operations in 10 ms; from the multi-file
        source it took 0.25 s per schema, before the first test of every run."""
        import schemathesis

        return schemathesis.openapi.from_dict(copy.deepcopy(self.document))

    @cached_property
    def evidence(self) -> EvidenceBook:
        """The grade and source of every rule (contracts/evidence.yaml, in the bundle)."""
        from nexx_conformance.evidence import EvidenceBook

        return EvidenceBook(self.document)


FORM = "application/x-www-form-urlencoded"


class Contract(Document):
    """The contract of this process: its bundle, parsed once, and the source it is built from."""

    def __init__(self, source: Path, bundle: Path | None = None) -> None:
        self.source = source
        self.bundle_path = bundle or nexx_contract.bundle_of(source)
        super().__init__(parsed(self.bundle_path))

    def stale(self) -> str | None:
        """Why the bundle is not the current source's (the suite loads the bundle), or None."""
        return stale_bundle(self.bundle_path, self.source.parent)

    @property
    def schemathesis_target(self) -> str:
        """The file to give the schemathesis CLI for this contract."""
        return str(self.bundle_path)


class ContractMissing(ConfigError):
    """The contract asked for cannot be read; the message says which file and why."""


def stale_bundle(path: Path, root: Path) -> str | None:
    """Why the bundle at `path` is not built from the source in `root`, or None."""
    shown = path.relative_to(root.parent) if path.is_relative_to(root.parent) else path
    if not path.is_file():
        return f"{shown} is missing: run scripts/bundle-contract"
    with path.open(encoding="utf-8") as head:
        header = "".join(head.readline() for _ in range(5))
    recorded = DIGEST_LINE.search(header)
    if recorded is None or recorded.group("digest") != source_digest(root):
        return (
            f"{shown} is not built from the contract source in {root.name}/ "
            f"(edited since?): run scripts/bundle-contract"
        )
    return None


@cache
def parsed(path: Path) -> dict[str, Any]:
    """A contract file, parsed once per process however its path is spelled."""
    return _parsed(path.resolve())


@cache
def _parsed(path: Path) -> dict[str, Any]:
    import yaml

    if not path.is_file():
        raise ContractMissing(
            f"nexx: the contract bundle {path} is missing: build it from its source with "
            "scripts/bundle-contract, or point --contract (NEXX_CONTRACT) at a contract's "
            "root document whose bundled/ copy exists"
        )
    # libyaml's loader where PyYAML has it: the bundle is 300 kB and read by every run,
    # 0.35 s with the pure-Python loader, 0.05 s with this one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as error:
        raise ContractMissing(f"nexx: the contract bundle {path} cannot be read: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ContractMissing(f"nexx: {path} is no OpenAPI document with paths")
    return document


def location(given: str | Path | None = None) -> tuple[Path, Path]:
    """(root document of the source, bundle) of the contract asked for: `given` (the
    command line) > NEXX_CONTRACT > the package's own. A path to a bundle (a file in a
    `bundled/` folder) names its source beside the folder."""
    path = Path(chosen(given, "contract", default=str(nexx_contract.source())))
    if path.is_dir():
        path = path / nexx_contract.ROOT_DOCUMENT
    if path.parent.name == nexx_contract.BUNDLE_FOLDER:
        return path.parent.parent / path.name, path
    return path, nexx_contract.bundle_of(path)


_chosen: list[tuple[Path, Path]] = []


def use(given: str | Path | None) -> Contract:
    """Make the contract `given` (else NEXX_CONTRACT, else the package's) this process's,
    and read it; raises ContractMissing when it cannot be read."""
    _chosen[:] = [location(given)]
    return contract()


def contract() -> Contract:
    """The contract of this process (see `use`), built once."""
    if not _chosen:
        _chosen.append(location())
    return _contract_at(*_chosen[0])


@cache
def _contract_at(source: Path, bundle: Path) -> Contract:
    return Contract(source, bundle)


def of_document(document: dict[str, Any]) -> Document:
    """What the suite reads of an OpenAPI document given as data (tests, tools)."""
    return Document(document)


# -- the source files, for the one tool that edits them (scripts/calibrate-contract) ----------

SOURCE_ROOT_DOCUMENT = nexx_contract.ROOT_DOCUMENT


def fragment_parts(fragment: str) -> tuple[str, ...]:
    """`#/components/schemas/User` -> ("components", "schemas", "User")."""
    return tuple(unescape(part) for part in fragment.lstrip("#/").split("/") if part != "")


def yaml_round_trip():
    from ruamel.yaml import YAML

    handler = YAML()
    handler.preserve_quotes = True
    handler.width = 4096  # never fold a long line the author wrote on one
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.representer.add_representer(
        type(None), lambda self, _: self.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return handler


@dataclass(frozen=True)
class Place:
    """Where a bundled-view target lives in the source: a file and the members inside it."""

    file: Path
    inside: tuple[str, ...]


class SourceFiles:
    """The source files of the contract, each read once, written back when changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.yaml = yaml_round_trip()
        self.documents: dict[Path, Any] = {}
        self.changed: set[Path] = set()

    def load(self, file: Path) -> Any:
        file = file.resolve()
        if file not in self.documents:
            self.documents[file] = self.yaml.load(file.read_text(encoding="utf-8"))
        return self.documents[file]

    def node(self, place: Place) -> Any:
        node = self.load(place.file)
        for name in place.inside:
            node = node[int(name)] if isinstance(node, list) else node[name]
        return node

    def follow(self, place: Place, node: Any) -> tuple[Place, Any]:
        """The place and node a `$ref` node stands for (through chains of them)."""
        for _ in range(32):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            file_part, _, fragment = node["$ref"].partition("#")
            file = (place.file.parent / file_part).resolve() if file_part else place.file
            place = Place(file, fragment_parts(fragment))
            node = self.node(place)
        return place, node

    def locate(self, target: tuple[str, ...], *, follow_last: bool) -> Place | None:
        """The source place of a bundled-view target, or None when it is not there."""
        place = Place((self.root / SOURCE_ROOT_DOCUMENT).resolve(), ())
        node = self.load(place.file)
        for index, name in enumerate(target):
            place, node = self.follow(place, node)
            if isinstance(node, dict) and name in node:
                place, node = Place(place.file, (*place.inside, name)), node[name]
            elif index == 2 and target[0] == "components":
                found = self.component(target[1], name)
                if found is None:
                    return None
                place, node = found, self.node(found)
            else:
                return None
        if follow_last:
            place, node = self.follow(place, node)
        return place

    def component(self, section: str, name: str) -> Place | None:
        """A shared part the root does not list (the bundler names it after its key in a
        components/ file: `responses.yaml#/BadRequest` is `components/responses/BadRequest`)."""
        files = sorted((self.root / "components").glob("*.yaml"))
        files.sort(key=lambda file: file.stem != section)
        for file in files:
            if name in (self.load(file) or {}):
                return Place(file.resolve(), (name,))
        return None

    def reference(self, ref: str, into: Path) -> str:
        """A bundled-view `$ref` (#/components/...) as the file `into` must write it."""
        place = self.locate(fragment_parts(ref), follow_last=True)
        if place is None:
            return ref
        fragment = "#/" + pointer(*place.inside) if place.inside else "#"
        if place.file == into.resolve():
            return fragment
        return os.path.relpath(place.file, into.resolve().parent) + fragment

    def rewritten(self, value: Any, into: Path) -> Any:
        """`value` as `into` writes it: `$ref`s relative to it, quoted as the source quotes
        them, and round-trip nodes (they carry the comment keep_trailing_comment moves)."""
        from ruamel.yaml.comments import CommentedMap, CommentedSeq
        from ruamel.yaml.scalarstring import SingleQuotedScalarString

        if isinstance(value, dict):
            return CommentedMap(
                (
                    key,
                    SingleQuotedScalarString(self.reference(item, into))
                    if key == "$ref" and isinstance(item, str) and item.startswith("#/")
                    else self.rewritten(item, into),
                )
                for key, item in value.items()
            )
        if isinstance(value, list):
            return CommentedSeq(self.rewritten(item, into) for item in value)
        return value

    def save(self) -> list[Path]:
        for file in sorted(self.changed):
            out = io.StringIO()
            self.yaml.dump(self.documents[file], out)
            file.write_text(out.getvalue(), encoding="utf-8")
        return sorted(self.changed)
