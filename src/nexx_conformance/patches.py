"""Every place the suite replaces a library's function, reads what a library keeps private or
imports a library's internals (an import-linter contract allows those imports here only).

One module, so that upgrading a library means reading one page. Each patch was written for
the version in `WRITTEN_FOR`, and each checks, before it is installed, that what it relies on
is there with the shape it was written for (`guarded`): if not, that patch stays off, the run
goes on, and one warning names the patch, the library and its version and what is lost.
tests/selftest/test_patches.py has a test per patch that fails when the library changed under
it, and one that simulates a moved function. Only what correctness or determinism needs, or
what saves a tenth of a second or more, is patched (benchmarks/README.md, "Patches").

| patch | library | relies on |
|---|---|---|
| `without_source_constants` | hypothesis 6.170 | `providers._get_local_constants`, called by `HypothesisProvider._local_constants` |
| `install_vcr_speed` | vcrpy 9.4 | `Cassette._responses(request)` yielding (index, response); `Cassette.data`, `_match_on`, `_before_record_request`; `vcr.patch.reset_patchers` called by `force_reset` |
| `note_unmatched` | vcrpy 9.4 | the stubs asking `cassette.can_play_response_for(request)` (looked up on the instance) before they raise `CannotOverwriteExistingCassetteException` |
| `SendPatch` | requests 2.34 (urllib3 2.8), httpx 0.28, schemathesis 4.32 | `requests.Session.send` and `httpx.Client.send` (public, replaced on the class); schemathesis sending its cases through `requests.Session.send` |
| `name_with_params` | pytest 9.2 | `Node._id` (a `NodeId`), `NodeId.child(...).with_params(...)` |
| `vcr_request_uri`, `recorded_response` | urllib3 2.8, vcrpy 9.4 | `urllib3.util.url._encode_target` (the request target urllib3 sends, which vcrpy's stub records); `vcr.stubs.VCRHTTPResponse(recorded, uri)`, its headers made an `HTTPHeaderDict` as `vcr.stubs.urllib3_stubs` does |
| `filtering_once` | vcrpy 9.4 | `Cassette._before_record_request` (an instance attribute: config's filters on a deep copy, then ours), called by `can_play_response_for`, `filter_request` and `_responses` (ours: `indexed_responses`), which `__contains__` and `play_response` ask |
| `sessions_sending_to` | requests 2.34 | `requests.Session.get_adapter(url)` (public, replaced on the class), asked by `Session.send` for each request |
| `defer_explicit_cases` | schemathesis 4.32, hypothesis 6.170 | `add_examples(test, ...)` and `add_coverage(test, ...)` of `schemathesis.generation.hypothesis.builder`, looked up in that module by `create_test`, returning the test they added `hypothesis.example`s to; hypothesis reading `hypothesis_explicit_examples` of the test when it runs |
| `transport_kwargs` | schemathesis 4.32 | `CheckContext.internals.transport_kwargs` (undocumented: "built-in checks only") |
| `pin_gapped_repeats` | schemathesis 4.32 | `schemathesis.core.jsonschema.patterns._restrict_repeat(value, length, limit)` (sre repeat value in, sre nodes or None out), looked up in its module by `_restrict_node` for `pin_pattern_length`; `_nodes_lengths`, `_restrict_nodes` |
| `ecma_response_patterns` | schemathesis 4.32 (jsonschema_rs 0.60) | `schemathesis.specs.openapi.adapter.responses._build_response_validator(schema, validator_cls, validate_formats)`, looked up in its module by `ResponseSchemaCache.validator` and `OpenApiResponse._build_validator`, which build every response validator; that module's `FANCY_REGEX_OPTIONS` and `supplemental_formats`; jsonschema_rs' `keywords=` (public) replacing the built-in `pattern` |
| `generator_pattern_check` | schemathesis 4.32 | `schemathesis.core.jsonschema.matches_pattern(pattern)`, "the validator's own `pattern` check" that generation filters its drawn values with |
| `Failure`, `Severity`; `negative_at`, `case_phase`, `coverage_scenario`; `cookie_dropping_session`; `builtin_check` | schemathesis 4.32 | `schemathesis.core.failures`; a case's `meta` (`is_negative_at(ParameterLocation)`, `phase.name`, `phase.data` a `CoveragePhaseData`); `schemathesis.transport.requests.ManagedCookiesSession`; `schemathesis.specs.openapi.checks.<name>(ctx, response, case)` |
| `vcr_matcher`, `requests_match` | vcrpy 9.4 | `vcr.matchers.<name>`, `vcr.matchers.requests_match(request, stored, match_on)` |
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from unittest import mock

# --- schemathesis: what the suite reads of it that is not its public API -----------------

try:
    # Our failure classes are schemathesis' kind, so its reports (CLI and pytest) give their
    # title, code and severity; without it they are assertion errors with the same fields.
    from schemathesis.core.failures import Failure, Severity

    FAILURE_CLASSES_MOVED: str | None = None
except ImportError as error:  # pragma: no cover - a schemathesis that moved them
    import enum

    FAILURE_CLASSES_MOVED = f"schemathesis.core.failures is gone ({error})"

    class Severity(enum.Enum):  # type: ignore[no-redef]
        CRITICAL = 1
        HIGH = 2
        MEDIUM = 3
        LOW = 4

    class Failure(AssertionError):  # type: ignore[no-redef]
        code = "custom"
        kind_title = "Custom failure"

        def __init__(self, *, operation, message, title=None, case_id=None, severity=None):
            super().__init__(message)
            self.operation, self.title, self.message = operation, title, message
            self.case_id, self.severity = case_id, severity


# The library versions the patches were written for and last checked against.
WRITTEN_FOR = {
    "hypothesis": "6.170.17",
    "vcrpy": "9.4.2",
    "requests": "2.34.2",
    "urllib3": "2.8.0",
    "httpx": "0.28.1",
    "schemathesis": "4.32.5",
    "jsonschema_rs": "0.60.3",
    "pytest": "9.2.0",
}


# Patches named here (comma-separated) stay off: for measuring what a patch gains
# (benchmarks/patch_gain.py), never for a run that counts.
OFF_VARIABLE = "NEXX_PATCHES_OFF"
# Whether each patch may be installed, decided once per process.
_decided: dict[str, bool] = {}
# An xdist worker keeps quiet: its controller checked the same libraries and said so.
_quiet: list[bool] = [False]


def guarded(name: str, library: str, problem: Callable[[], str | None], lost: str) -> bool:
    """True when patch `name` may be installed: `problem()` finds what it relies on of
    `library` there with the expected shape (None). Otherwise it stays off and one warning
    names the patch, the library's version and what the run goes without (`lost`)."""
    if name not in _decided:
        if name in os.environ.get(OFF_VARIABLE, "").split(","):
            found = f"switched off by {OFF_VARIABLE}"
        else:
            try:
                found = problem()
            except Exception as error:  # noqa: BLE001 - any surprise means: not the shape we know
                found = f"{type(error).__name__}: {error}"
        _decided[name] = found is None
        if found is not None and not _quiet[0]:
            warnings.warn_explicit(
                f"nexx: patch {name} is off: {library} {installed(library)} (written for "
                f"{WRITTEN_FOR.get(library, '?')}): {found}; {lost}",
                UserWarning,
                filename="nexx_conformance.patches",
                lineno=0,
            )
    return _decided[name]


def installed(library: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(library)
    except PackageNotFoundError:
        return "(not installed)"


def missing(owner: Any, *names: str, parameters: tuple[str, ...] | None = None) -> str | None:
    """What `owner` lacks of `names` (the first with `parameters`, when given), or None."""
    label = getattr(owner, "__name__", type(owner).__name__)
    for name in names:
        if not hasattr(owner, name):
            return f"{label}.{name} is gone"
    if parameters is not None:
        found = tuple(inspect.signature(getattr(owner, names[0])).parameters)
        if found != parameters:
            return f"{label}.{names[0]}{found} is not ({', '.join(parameters)})"
    return None


def install_for_the_suite(*, quiet: bool = False) -> None:
    """The patches a run of the suite's engine installs as it configures; `quiet` (an xdist
    worker) installs them without a warning for those that stay off."""
    _quiet[0] = quiet
    guarded(
        "failure_classes",
        "schemathesis",
        lambda: FAILURE_CLASSES_MOVED,
        "nexx failures reach schemathesis' reports as plain assertion errors",
    )
    without_source_constants()
    pin_gapped_repeats()
    ecma_response_patterns()


# --- hypothesis -------------------------------------------------------------------------


def without_source_constants() -> None:
    """Generated cases depend on the test's seed only, not on the literals of our source code.

    hypothesis (>= 6.131) mixes string and number literals from every "local" module in
    sys.modules into the data it draws. Our editable install is local, so adding a message
    anywhere in src/ - or merely importing one more module before a test - changed the cases
    of a seeded run and broke the replay of every conformance cassette (seen: importing
    replay_audit did it). An empty pool makes a recording replay on any later tree, under
    -k and xdist, and from a non-editable install (tox) alike.
    """

    def problem() -> str | None:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants

        return missing(providers, "_get_local_constants") or missing(
            Constants(), "strings", "integers", "floats"
        )

    if not guarded(
        "without_source_constants",
        "hypothesis",
        problem,
        "generated cases may take literals of the project's code (an edit can stale cassettes)",
    ):
        return
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    no_constants = Constants()
    providers._get_local_constants = lambda: no_constants


# --- vcrpy ------------------------------------------------------------------------------


@functools.cache
def vcr_originals() -> tuple[Callable, Callable]:
    """vcrpy's `Cassette._responses` and `vcr.patch.reset_patchers` as vcrpy has them.

    vcrpy is imported here, not with this module: it patches a dozen HTTP libraries as it
    loads (40 ms), which a run against a URL or the reference server never needs, before
    its first test (benchmarks/README.md, "Fail fast")."""
    from vcr import cassette as vcr_cassette
    from vcr import patch as vcr_patch

    responses = vcr_cassette.Cassette._responses
    reset_patchers = vcr_patch.reset_patchers
    assert not getattr(reset_patchers, INSTALLED, False), "vcrpy was patched before"
    return responses, reset_patchers


# Marks our replacement of vcrpy's reset_patchers: the speed-up is installed in this process.
INSTALLED = "nexx_vcr_speed"
# Given a cassette's `match_on`, the function of a request that every match shares (equal
# keys are needed for a match), or None when those matchers allow no such key.
LookupKey = Callable[[Sequence[Callable]], Callable[[Any], tuple] | None]


def install_vcr_speed(lookup_key: LookupKey) -> None:
    """Takes away two per-request costs of vcrpy that a replay of ~9,500 requests pays.

    1. Lookup. vcrpy's `Cassette._responses` runs every matcher against every recorded
       interaction of the cassette, twice per request (`request in cassette`, then
       `play_response`): over a million comparisons for the suite. With a `lookup_key`
       (recording.matchers: method, normalized path, query and body) the interactions are
       indexed by key and only the request's bucket is compared, in recorded order as
       before. Where `lookup_key` gives none, vcrpy's own scan runs unchanged.
    2. Absent libraries. `vcr.patch.force_reset` runs around each connection and calls
       `reset_patchers`, which tries to import every optional HTTP library vcrpy can patch
       (botocore, httplib2, tornado, ...). An absent one is searched for on sys.path again
       every time. The patch list does not change within a process, so it is computed once
       here and fresh patchers with the same target, attribute and replacement are made
       from it.

    pytest-recording asks for it again for every test; once installed, it stays.
    """
    from vcr import cassette as vcr_cassette
    from vcr import patch as vcr_patch

    if getattr(vcr_patch.reset_patchers, INSTALLED, False):
        return
    if not guarded(
        "install_vcr_speed",
        "vcrpy",
        lambda: (
            missing(vcr_cassette.Cassette, "_responses", parameters=("self", "request"))
            or missing(vcr_patch, "reset_patchers", "force_reset")
        ),
        "each replayed request is compared with every recorded one (a slower replay)",
    ):
        return
    vcr_originals()
    vcr_cassette.Cassette._responses = indexed_responses(lookup_key)
    vcr_patch.reset_patchers = cached_reset_patchers(reset_targets())


def indexed_responses(lookup_key: LookupKey) -> Callable:
    original_responses = vcr_originals()[0]

    def _responses(self, request):
        """`Cassette._responses` (the matching interactions as (index, response), in
        recorded order) looking only at the interactions that share the request's key."""
        key = lookup_key(self._match_on)
        if key is None:
            yield from original_responses(self, request)
            return
        request = self._before_record_request(request)
        if not request:
            return
        for position in _index(self, key).get(key(request), ()):
            stored, response = self.data[position]
            if requests_match(request, stored, self._match_on):
                yield position, response

    return _responses


def _index(cassette, key: Callable[[Any], tuple]) -> dict[tuple, list[int]]:
    # Kept on the cassette itself and rebuilt when interactions were added (recording
    # appends to `data`).
    index = cassette.__dict__.get("_nexx_index")
    if index is None or index[0] != len(cassette.data):
        buckets: dict[tuple, list[int]] = {}
        for position, (stored, _) in enumerate(cassette.data):
            buckets.setdefault(key(stored), []).append(position)
        index = (len(cassette.data), buckets)
        cassette.__dict__["_nexx_index"] = index
    return index[1]


def reset_targets() -> list[tuple[object, str, object]]:
    """(target, attribute, replacement) of every patcher vcrpy's `reset_patchers` makes."""
    return [(patcher.getter(), patcher.attribute, patcher.new) for patcher in vcr_originals()[1]()]


def cached_reset_patchers(targets: list[tuple[object, str, object]]) -> Callable:
    def reset_patchers():
        """`vcr.patch.reset_patchers` without its failed imports: the same patches, as new
        patcher objects each time (force_reset enters and exits them)."""
        for target, attribute, new in targets:
            yield mock.patch.object(target, attribute, new)

    setattr(reset_patchers, INSTALLED, True)
    return reset_patchers


def note_unmatched(cassette, note: Callable[[Any], None]) -> None:
    """Calls `note(request)` for each request the cassette refuses to play where vcrpy
    then raises CannotOverwriteExistingCassetteException instead of going to the network,
    also when the code under test catches that exception."""
    if not guarded(
        "note_unmatched",
        "vcrpy",
        lambda: missing(cassette, "can_play_response_for", "write_protected", "filter_request"),
        "a refused request that the code under test swallows is not counted as unmatched",
    ):
        return
    decide = cassette.can_play_response_for

    def can_play_response_for(request):
        playable = decide(request)
        # The same condition under which vcrpy's stubs raise.
        if not playable and cassette.write_protected and cassette.filter_request(request):
            note(request)
        return playable

    cassette.can_play_response_for = can_play_response_for


# --- requests and httpx -----------------------------------------------------------------

# Called with each request sent and its response: (request, response) -> None.
Seen = Callable[[Any, Any], None]


class SendPatch:
    """While installed, shows every request sent through `requests.Session.send`
    (schemathesis) and `httpx.Client.send` (the suite's client) and its response to the
    `on_requests` and `on_httpx` callbacks; several can be installed, the last installed is
    the outermost, and each uninstall puts back what it replaced."""

    def __init__(self, on_requests: Seen, on_httpx: Seen) -> None:
        self._on_requests = on_requests
        self._on_httpx = on_httpx
        self._originals: list[tuple[type, Callable]] = []

    def install(self) -> None:
        import httpx
        import requests

        self._wrap(requests.Session, self._on_requests)
        self._wrap(httpx.Client, self._on_httpx)

    def uninstall(self) -> None:
        for owner, original in reversed(self._originals):
            owner.send = original
        self._originals.clear()

    def _wrap(self, owner: type, seen: Seen) -> None:
        original = owner.send
        self._originals.append((owner, original))

        def send(sender, request, **kwargs):
            response = original(sender, request, **kwargs)
            seen(request, response)
            return response

        owner.send = send


# --- requests, urllib3, vcrpy: the replay transport (recording.transport) ---------------

DEFAULT_PORTS = {"http": 80, "https": 443}


def vcr_request_uri(url: str) -> str:
    """The URI vcrpy's connection stub records for a request to `url`: `scheme://host`, the
    port only when it is not the scheme's default, and the target as urllib3 encodes it."""
    from urllib3.util.url import _encode_target, parse_url

    parsed = parse_url(url)
    port = (
        f":{parsed.port}" if parsed.port and parsed.port != DEFAULT_PORTS.get(parsed.scheme) else ""
    )
    return f"{parsed.scheme}://{parsed.host}{port}{_encode_target(parsed.request_uri)}"


def recorded_response(recorded: dict, uri: str):
    """A recorded answer as vcrpy's stubs hand it to requests' HTTPAdapter."""
    from urllib3 import HTTPHeaderDict
    from vcr.stubs import VCRHTTPResponse

    raw = VCRHTTPResponse(recorded, uri)
    raw.headers = HTTPHeaderDict(raw.getheaders())  # as vcr.stubs.urllib3_stubs does
    return raw


@contextlib.contextmanager
def filtering_once(cassette, request) -> Iterator[None]:
    """While inside, `cassette` filters `request` once, however often vcrpy asks.

    To play one request vcrpy filters it three times (`can_play_response_for`, then
    `request in cassette` with the filtered request, then `play_response`): each a deep copy
    and our scrubber, about a tenth of the replay (benchmarks/README.md). The first result
    is kept and given again for the request and for that result itself. vcrpy already
    needs the filters to give the same request when applied again (its `in` check filters
    the filtered request, and must find what `play_response` then plays); ours do
    (recording.scrubbing). Any other request is filtered as before.
    """
    original = cassette._before_record_request
    filtered: list = []

    def before_record_request(asked):
        if filtered and (asked is request or asked is filtered[0]):
            return filtered[0]
        result = original(asked)
        if asked is request and result is not None:
            filtered.append(result)
        return result

    cassette._before_record_request = before_record_request
    try:
        yield
    finally:
        cassette._before_record_request = original


@contextlib.contextmanager
def sessions_sending_to(adapter) -> Iterator[None]:
    """While inside, every requests session sends its http(s) requests through `adapter`."""
    import requests

    original = requests.Session.get_adapter

    def get_adapter(session, url):
        if url.lower().startswith(("http://", "https://")):
            return adapter
        return original(session, url)

    with mock.patch.object(requests.Session, "get_adapter", get_adapter):
        yield


# --- pytest -----------------------------------------------------------------------------


def name_with_params(item, params: str) -> None:
    """Gives a collected item the id `<parent id>::<function>[<params>]`, as pytest names a
    parametrized test (there is no public way to rename an item)."""
    if guarded(
        "name_with_params",
        "pytest",
        lambda: missing(item, "_id", "originalname") or missing(item.parent.id, "child"),
        "conformance tests keep schemathesis' bare ids (one per function, not per operation)",
    ):
        item._id = item.parent.id.child(item.originalname).with_params(params)


# --- schemathesis -----------------------------------------------------------------------


def transport_kwargs(ctx) -> dict[str, Any] | None:
    """The transport settings (base URL, session, headers, ...) the checked case was sent
    with, from a schemathesis CheckContext: what sending it again needs; None when the
    context no longer keeps them (the session probes then send nothing)."""
    if not guarded(
        "transport_kwargs",
        "schemathesis",
        lambda: missing(getattr(ctx, "internals", None), "transport_kwargs"),
        "the session probes (missing session, wrong token, anonymous session) are not sent",
    ):
        return None
    return dict(ctx.internals.transport_kwargs or {})


# The builder functions that add explicit cases to a test (deferred by pytest_plugin.deferred_cases).
EXPLICIT_CASES = ("add_examples", "add_coverage")


def defer_explicit_cases(deferring: Callable[[Callable], Callable]) -> Callable[[], None]:
    """Replaces schemathesis' `add_examples` and `add_coverage` with `deferring(original)`;
    returns the function that puts the originals back. When schemathesis has no such
    functions, the cases are built at collection, as schemathesis does by itself."""
    from schemathesis.generation.hypothesis import builder

    if not guarded(
        "defer_explicit_cases",
        "schemathesis",
        lambda: missing(builder, *EXPLICIT_CASES),
        "explicit cases are built while collecting (the first test starts seconds later)",
    ):
        return lambda: None

    originals = {name: getattr(builder, name) for name in EXPLICIT_CASES}
    for name, original in originals.items():
        setattr(builder, name, deferring(original))

    def restore() -> None:
        for name, original in originals.items():
            setattr(builder, name, original)

    return restore


# Marks our wrapper of schemathesis' _restrict_repeat: installed in this process.
PINS_GAPPED_REPEATS = "nexx_pins_gapped_repeats"


def pin_gapped_repeats() -> None:
    """schemathesis finds a string of an exact length for a repeat whose body has gaps in its
    lengths, such as the `streamtypes` list (each `,item` is 5, 6, 8, 9 or 11 characters).

    The coverage phase wants values of `maxLength` and `maxLength - 1` characters. To get them
    it rewrites the pattern so that every match has that length (`pin_pattern_length`), but
    only for repeats whose body can take every length between its shortest and its longest.
    For any other repeat it drew from the whole pattern and threw away every string of
    another length: hypothesis' whole budget, 0.9 s for each of the two lengths, and no value.
    Here the body's lengths are summed with the fewest repetitions (a coin change over the
    body's lengths), and each repetition is pinned to its share, so the rewritten pattern
    matches only strings the original matches, of exactly that length. Idempotent.
    """
    from schemathesis.core.jsonschema import patterns

    if not guarded(
        "pin_gapped_repeats",
        "schemathesis",
        lambda: (
            missing(patterns, "_restrict_repeat", parameters=("value", "length", "limit"))
            or missing(patterns, "_nodes_lengths", "_restrict_nodes", "sre")
        ),
        "no coverage case of an exact length for a repeat with gaps (cassettes may not replay)",
    ):
        return
    original = patterns._restrict_repeat
    if getattr(original, PINS_GAPPED_REPEATS, False):
        return

    @functools.wraps(original)
    def restrict_repeat(value, length: int, limit: int):
        pinned = original(value, length, limit)
        if pinned is not None:
            return pinned
        return _pinned_pieces(patterns, value, length, limit)

    setattr(restrict_repeat, PINS_GAPPED_REPEATS, True)
    patterns._restrict_repeat = restrict_repeat


def _pinned_pieces(patterns, value, length: int, limit: int):
    """The repeat as runs of its body, each run pinned to one length, `length` in all; None
    when no count the repeat allows adds up to it."""
    min_repeat, max_repeat, subpattern = value
    body = list(subpattern)
    lengths = patterns._nodes_lengths(body, limit)
    if not lengths or lengths & 1:  # a body that may match nothing: the original's case
        return None
    sizes = [size for size in range(lengths.bit_length()) if lengths >> size & 1]
    fewest: list[int | None] = [0] + [None] * length
    last_piece = [0] * (length + 1)
    for total in range(1, length + 1):
        for size in sizes:
            before = fewest[total - size] if size <= total else None
            if before is not None and (fewest[total] is None or before + 1 < fewest[total]):
                fewest[total], last_piece[total] = before + 1, size
    count = fewest[length]
    if count is None or not min_repeat <= count <= max_repeat:
        return None
    pieces: dict[int, int] = {}
    total = length
    while total:
        pieces[last_piece[total]] = pieces.get(last_piece[total], 0) + 1
        total -= last_piece[total]
    runs = []
    for size, times in sorted(pieces.items()):
        piece = patterns._restrict_nodes(body, size, limit)
        if piece is None:
            return None
        runs.append((patterns.sre.MAX_REPEAT, (times, times, piece)))
    return runs


# --- schemathesis (jsonschema_rs): the contract's regex dialect ---------------------------

ECMA_RESPONSE_PATTERNS = "nexx_ecma_response_patterns"
# The parameters of schemathesis' function that ecma_response_patterns replaces.
RESPONSE_VALIDATOR_SHAPE = ("schema", "validator_cls", "validate_formats")


def ecma_response_patterns() -> bool:
    """schemathesis validates every response (response_schema_conformance, and the contract
    check of scenarios, contract_check) with jsonschema_rs, whose regex engine reads `.`
    (U+000D, U+2028, U+2029), `\\b` and `\\B` next to non-ASCII letters, and syntax ECMA-262
    lacks (`(?i)`) otherwise than the contract. jsonschema_rs takes custom keywords (public),
    but schemathesis builds its response validators in one private function: here it builds
    them as before plus `nexx_patterns`' `pattern` keyword and `regex` format, both read by
    the ECMA-262 engine. When that function is gone or has another shape, nothing is patched
    and a warning says so, once. True when installed. Idempotent."""
    import nexx_patterns

    def problem() -> str | None:
        from schemathesis.specs.openapi.adapter import responses

        return missing(
            responses, "_build_response_validator", parameters=RESPONSE_VALIDATOR_SHAPE
        ) or missing(responses, "FANCY_REGEX_OPTIONS", "supplemental_formats")

    if not guarded(
        "ecma_response_patterns",
        "schemathesis",
        problem,
        "responses are checked with schemathesis' own regex engine, not ECMA-262",
    ):
        return False
    from schemathesis.specs.openapi.adapter import responses

    original = responses._build_response_validator
    if getattr(original, ECMA_RESPONSE_PATTERNS, False):
        return True

    @functools.wraps(original)
    def build_response_validator(schema, validator_cls, validate_formats):
        formats = {
            **(responses.supplemental_formats(validator_cls) or {}),
            **nexx_patterns.RS_FORMATS,
        }
        return validator_cls(
            schema,
            validate_formats=validate_formats,
            pattern_options=responses.FANCY_REGEX_OPTIONS,
            formats=formats,
            keywords=nexx_patterns.RS_KEYWORDS,
        )

    setattr(build_response_validator, ECMA_RESPONSE_PATTERNS, True)
    responses._build_response_validator = build_response_validator
    return True


def generator_pattern_check(pattern: str) -> Callable[[str], bool] | None:
    """How schemathesis' generator reads `pattern`: the check it filters drawn values with
    (its validator's engine, not the contract's ECMA-262); None when it is not to be found."""
    from schemathesis.core import jsonschema

    if not guarded(
        "generator_pattern_check",
        "schemathesis",
        lambda: missing(jsonschema, "matches_pattern", parameters=("pattern",)),
        "cases whose values schemathesis' engine reads otherwise than ECMA-262 are not dropped",
    ):
        return None
    return jsonschema.matches_pattern(pattern)


# --- schemathesis: cases, sessions and built-in checks -------------------------------------


def negative_at(case, location: str) -> bool:
    """Whether schemathesis generated the case's `location` part ("path", "header", ...) to
    be invalid (its case metadata; False when it keeps none or no longer says)."""
    meta = getattr(case, "meta", None)
    from schemathesis.core import parameters

    if meta is None or not guarded(
        "case_metadata",
        "schemathesis",
        lambda: missing(meta, "is_negative_at") or missing(parameters, "ParameterLocation"),
        "negative cases are signed like positive ones (their invalid domain id or session "
        "headers are overwritten)",
    ):
        return False
    return meta.is_negative_at(parameters.ParameterLocation(location))


def case_phase(case) -> str | None:
    """The phase schemathesis built a case in ("examples", "coverage", "fuzzing", ...)."""
    meta = getattr(case, "meta", None)
    if meta is None:
        return None
    return str(meta.phase.name.value)


def coverage_scenario(case) -> str | None:
    """The coverage scenario a case was built for ("unspecified_http_method", ...), or None."""
    meta = getattr(case, "meta", None)
    if meta is None:
        return None
    from schemathesis.generation import meta as metadata

    if not guarded(
        "coverage_scenario",
        "schemathesis",
        lambda: missing(metadata, "CoveragePhaseData") or missing(meta, "phase"),
        "the probe of POST on an operation documented as GET is sent and judged",
    ):
        return None
    data = meta.phase.data
    return str(data.scenario.value) if isinstance(data, metadata.CoveragePhaseData) else None


def cookie_dropping_session():
    """A requests session whose answers' cookies are dropped between cases: schemathesis'
    own kind (its transport clears them), else one whose cookie policy keeps none."""
    from schemathesis.transport import requests as transport

    if guarded(
        "cookie_dropping_session",
        "schemathesis",
        lambda: missing(transport, "ManagedCookiesSession"),
        "a cookie policy that accepts none stands in for schemathesis' cookie handling",
    ):
        return transport.ManagedCookiesSession()
    import http.cookiejar

    import requests

    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def builtin_check(name: str) -> Callable | None:
    """One of schemathesis' own checks by name (`ignored_auth`), or None when gone."""
    from schemathesis.specs.openapi import checks

    if not guarded(
        f"builtin_check:{name}",
        "schemathesis",
        lambda: missing(checks, name, parameters=("ctx", "response", "case")),
        f"schemathesis' {name} check does not run in the conformance tests",
    ):
        return None
    return getattr(checks, name)


# --- vcrpy: its matchers ---------------------------------------------------------------


def vcr_matcher(name: str) -> Callable:
    """vcrpy's built-in matcher `name` (method, uri, ...), as vcrpy keeps it in `match_on`."""
    from vcr import matchers

    return getattr(matchers, name)


def requests_match(request, stored, match_on) -> bool:
    from vcr import matchers

    return matchers.requests_match(request, stored, match_on)
