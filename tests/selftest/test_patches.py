"""One test per private-API patch (nexx_conformance.patches): each fails when the library
changed under the patch, not only when our code did."""

from __future__ import annotations

import inspect
import itertools
import re
import warnings
from importlib.metadata import version

import httpx
import pytest
import requests
import schemathesis
import yaml
from hypothesis import strategies as hypothesis_strategies
from hypothesis.internal.conjecture import providers
from schemathesis.checks import CheckContext
from vcr import VCR
from vcr import matchers as vcr_matchers
from vcr import patch as vcr_patch
from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

import nexx_conformance.checks  # noqa: F401 - a project module full of string literals
from nexx_conformance import patches
from nexx_conformance.recording.matchers import MATCH_ON, MATCHERS, lookup_key
from nexx_conformance.status import OK

pytest_plugins = ["pytester"]

BASE = "http://replay.invalid/v3.1/4711"


@pytest.mark.parametrize("library", sorted(patches.WRITTEN_FOR))
def test_installed_library_is_the_major_version_the_patches_were_written_for(library):
    # A newer minor is checked patch by patch (each one's shape check and test below); a new
    # major is beyond pyproject.toml's ranges.
    written_for = patches.WRITTEN_FOR[library].split(".")[0]
    assert version(library).split(".")[0] == written_for, (
        f"{library} {version(library)} is installed, the patches were written for "
        f"{patches.WRITTEN_FOR[library]}: check each patch on {library} (the table in "
        f"nexx_conformance/patches.py says what it relies on), then update WRITTEN_FOR"
    )


def test_every_patch_finds_what_it_relies_on_in_the_installed_libraries(monkeypatch):
    monkeypatch.setattr(patches, "_decided", {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a patch that stays off warns
        patches.install_for_the_suite()
    assert patches._decided and all(patches._decided.values()), patches._decided


# --- hypothesis: without_source_constants -----------------------------------------------


def test_hypothesis_still_reads_local_constants_where_the_patch_empties_them():
    # without_source_constants replaces this private function; if hypothesis stops calling
    # it, our literals would reach generated cases again and cassettes go stale on edits.
    assert "_get_local_constants()" in inspect.getsource(providers.HypothesisProvider)


def test_project_literals_do_not_reach_generation():
    patches.without_source_constants()  # the plugin did this at configure time already
    constants = providers._get_local_constants()
    assert not constants.strings and not constants.integers and not constants.floats


# --- vcrpy: install_vcr_speed -----------------------------------------------------------


def resolved(names):
    known = {"method": vcr_matchers.method, "uri": vcr_matchers.uri, **MATCHERS}
    return [known[name] for name in names]


def cassette_with(requests_, match_on=MATCH_ON) -> Cassette:
    cassette = Cassette("unused.yaml", match_on=resolved(match_on))
    for number, request in enumerate(requests_):
        cassette.data.append((request, {"status": {"code": OK}, "number": number}))
    return cassette


def post(path: str, body: str = "") -> Request:
    return Request("POST", f"{BASE}/{path}", body.encode(), {})


RECORDED = [
    post("session/init"),
    post("user/register", "username=qa_replay_1&cfo=0"),
    post("session/init"),
    post("user/register", "username=qa_replay_2&cfo=0"),
    Request("GET", f"{BASE}/user/profile", None, {}),
    post("user/profile"),
    post("user/register", "username=qa_replay_1&cfo=0"),
]
ASKED = [
    post("session/init"),
    post("user/register", "username=qa_abc123_1&cfo=0"),
    post("user/register", "username=qa_replay_1&cfo=1"),
    Request("GET", f"{BASE}/user/profile", None, {}),
    post("user/profile"),
    post("user/unknown"),
    Request("PUT", f"{BASE}/session/init", None, {}),
]
indexed = patches.indexed_responses(lookup_key)


def test_indexed_lookup_finds_what_vcrpy_finds_in_the_same_order():
    cassette = cassette_with(RECORDED)
    for request in ASKED:
        expected = [index for index, _ in patches.vcr_originals()[0](cassette, request)]
        assert [index for index, _ in indexed(cassette, request)] == expected
    # The matches this compares at all: a changed body or method never matches.
    assert [i for i, _ in indexed(cassette, ASKED[1])] == [1, 6]
    assert list(indexed(cassette, ASKED[2])) == []


def test_index_follows_interactions_appended_while_recording():
    cassette = cassette_with(RECORDED[:2])
    assert [i for i, _ in indexed(cassette, ASKED[4])] == []
    cassette.data.append((post("user/profile"), {"status": {"code": OK}}))
    assert [i for i, _ in indexed(cassette, ASKED[4])] == [2]


def test_other_matchers_use_vcrpys_own_scan():
    cassette = cassette_with(RECORDED, match_on=("method", "uri"))
    request = post("user/register", "anything")
    assert [i for i, _ in indexed(cassette, request)] == [1, 3, 6]


def test_vcrpy_looks_every_request_up_through_the_patched_lookup(monkeypatch):
    asked = []

    def counted_key(match_on):
        asked.append(match_on)
        return lookup_key(match_on)

    monkeypatch.setattr(Cassette, "_responses", patches.indexed_responses(counted_key))
    cassette = cassette_with(RECORDED)
    assert ASKED[0] in cassette
    assert cassette.play_response(ASKED[0])["number"] == 0
    assert len(asked) == 2


def test_cached_reset_patchers_patch_the_same_things():
    def triples(patchers):
        return sorted((id(p.getter()), p.attribute, id(p.new)) for p in patchers)

    cached = patches.cached_reset_patchers(patches.reset_targets())
    assert triples(cached()) == triples(patches.vcr_originals()[1]())
    # Fresh patcher objects each time: force_reset enters and exits them.
    first, second = (list(itertools.islice(cached(), 1)) for _ in range(2))
    assert first[0] is not second[0]


def test_vcrpy_resets_connections_through_the_patched_reset_patchers(monkeypatch):
    made = []

    def reset_patchers():
        made.append(True)
        yield from ()

    monkeypatch.setattr(vcr_patch, "reset_patchers", reset_patchers)
    with vcr_patch.force_reset():
        pass
    assert made == [True]


def test_install_replaces_the_two_vcrpy_functions(monkeypatch):
    monkeypatch.setattr(Cassette, "_responses", patches.vcr_originals()[0])
    monkeypatch.setattr(vcr_patch, "reset_patchers", patches.vcr_originals()[1])
    patches.install_vcr_speed(lookup_key)
    installed = Cassette._responses, vcr_patch.reset_patchers
    assert installed[0] is not patches.vcr_originals()[0] and installed[0].__name__ == "_responses"
    assert installed[1] is not patches.vcr_originals()[1]
    patches.install_vcr_speed(lookup_key)  # pytest-recording asks again for every test
    assert (Cassette._responses, vcr_patch.reset_patchers) == installed


# --- vcrpy: note_unmatched --------------------------------------------------------------

# Never contacted: every request below is answered from the cassette or refused by vcrpy.
PROFILE = "http://127.0.0.1:9/v3.1/4711/user/profile"
NOT_RECORDED = "http://127.0.0.1:9/v3.1/4711/user/watchlist"


@pytest.fixture
def one_recorded(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "interactions": [
                    {
                        "request": {"method": "GET", "uri": PROFILE, "body": None, "headers": {}},
                        "response": {
                            "status": {"code": int(OK), "message": "OK"},
                            "headers": {},
                            "body": {"string": '{"metadata": {"status": 200}, "result": null}'},
                        },
                    }
                ],
            }
        )
    )
    return path


@pytest.mark.parametrize(
    "get",
    [
        pytest.param(httpx.get, id="httpx-stub"),
        pytest.param(requests.get, id="urllib3-stub"),
    ],
)
def test_vcrpys_stubs_ask_the_noted_cassette(one_recorded, get):
    noted = []
    with VCR(record_mode="none", match_on=["method", "uri"]).use_cassette(
        str(one_recorded)
    ) as cassette:
        patches.note_unmatched(cassette, noted.append)
        get(PROFILE)
        with pytest.raises(CannotOverwriteExistingCassetteException):
            get(NOT_RECORDED)
    assert [request.uri for request in noted] == [NOT_RECORDED]


# --- vcrpy: filtering_once -------------------------------------------------------------


def counting_filters(cassette) -> list:
    """The requests the cassette's filters are applied to, in order."""
    filtered = []
    original = cassette._before_record_request

    def before_record_request(request):
        filtered.append(request)
        return original(request)

    cassette._before_record_request = before_record_request
    return filtered


def test_vcrpy_filters_a_played_request_three_times(one_recorded):
    with VCR(record_mode="none", match_on=["method", "uri"]).use_cassette(
        str(one_recorded)
    ) as cassette:
        filtered = counting_filters(cassette)
        asked = Request("GET", PROFILE, None, {})
        assert cassette.can_play_response_for(asked)
        cassette.play_response(asked)
    # The request, the filtered request (`asked in cassette`), the request again.
    assert len(filtered) == 3
    assert (filtered[0], filtered[2]) == (asked, asked) and filtered[1] is not asked


def test_filtering_once_plays_the_same_answer_with_one_filtering(one_recorded):
    with VCR(record_mode="none", match_on=["method", "uri"]).use_cassette(
        str(one_recorded)
    ) as cassette:
        filtered = counting_filters(cassette)
        asked = Request("GET", PROFILE, None, {})
        with patches.filtering_once(cassette, asked):
            assert cassette.can_play_response_for(asked)
            answer = cassette.play_response(asked)
            other = Request("GET", NOT_RECORDED, None, {})
            assert not cassette.can_play_response_for(other)
            during = list(filtered)
        assert not cassette.can_play_response_for(asked)  # played once, as before
    assert answer["body"]["string"] == b'{"metadata": {"status": 200}, "result": null}'
    # Once for the request; any other as before (`other`, then the filtered `other`).
    assert len(during) == 3
    assert during[0] is asked and during[1] is other and during[2] is not other


# --- requests and httpx: SendPatch ------------------------------------------------------


def watched():
    seen = []
    patch = patches.SendPatch(
        on_requests=lambda request, response: seen.append(("requests", request.url)),
        on_httpx=lambda request, response: seen.append(("httpx", str(request.url))),
    )
    return patch, seen


def test_send_patch_sees_requests_and_httpx_and_is_undone(loopback):
    original_requests, original_httpx = requests.Session.send, httpx.Client.send
    patch, seen = watched()
    patch.install()
    try:
        assert requests.get(f"{loopback}/a").status_code == OK
        with httpx.Client() as client:
            assert client.get(f"{loopback}/b").status_code == OK
    finally:
        patch.uninstall()
    assert seen == [("requests", f"{loopback}/a"), ("httpx", f"{loopback}/b")]
    assert requests.Session.send is original_requests and httpx.Client.send is original_httpx


def test_schemathesis_sends_its_cases_through_requests(loopback):
    schema = schemathesis.openapi.from_dict(
        {
            "openapi": "3.1.0",
            "info": {"title": "patch selftest", "version": "1"},
            "paths": {"/profile": {"get": {"responses": {"200": {"description": "ok"}}}}},
        }
    )
    patch, seen = watched()
    patch.install()
    try:
        response = schema["/profile"]["GET"].Case().call(base_url=loopback)
    finally:
        patch.uninstall()
    assert response.status_code == OK
    assert seen == [("requests", f"{loopback}/profile")]


# --- pytest: name_with_params -----------------------------------------------------------


def test_a_renamed_item_has_the_id_of_a_parametrized_test(pytester):
    # Collected in-process without our plugin: only pytest's own Node is under test.
    module = pytester.getmodulecol("def test_operation(): pass", configargs=("-p", "no:nexx"))
    [item] = module.collect()
    patches.name_with_params(item, "GET /{domainid}/user/profile")
    assert item.nodeid.endswith("::test_operation[GET /{domainid}/user/profile]")


# --- schemathesis: transport_kwargs -----------------------------------------------------


def test_check_context_keeps_what_the_case_was_sent_with():
    schema = schemathesis.openapi.from_dict(
        {"openapi": "3.1.0", "info": {"title": "patch selftest", "version": "1"}, "paths": {}}
    )
    ctx = CheckContext(
        override=None,
        auth=None,
        headers=None,
        config=schema.config.checks_config_for(),
        transport_kwargs={"base_url": "http://127.0.0.1:9", "headers": {"X": "1"}},
        response_checks=None,
    )
    kwargs = patches.transport_kwargs(ctx)
    assert kwargs == {"base_url": "http://127.0.0.1:9", "headers": {"X": "1"}}
    kwargs.pop("headers")  # a copy: the context keeps what it had
    assert "headers" in patches.transport_kwargs(ctx)


# --- schemathesis: defer_explicit_cases -------------------------------------------------


def test_schemathesis_builds_explicit_cases_through_the_deferred_functions(monkeypatch):
    from schemathesis.generation.feedback import FeedbackSources
    from schemathesis.generation.hypothesis import builder
    from schemathesis.pytest._test_builder import build_operation_test

    queued = []

    def deferring(add_cases):
        def add_cases_later(test, *args, **kwargs):
            queued.append(lambda: add_cases(test, *args, **kwargs))
            return test

        return add_cases_later

    schema = schemathesis.openapi.from_dict(
        {
            "openapi": "3.1.0",
            "info": {"title": "patch selftest", "version": "1"},
            "paths": {
                "/items": {
                    "get": {
                        "parameters": [
                            {
                                "name": "q",
                                "in": "query",
                                "required": True,
                                "schema": {"type": "string", "maxLength": 3},
                                "example": "ab",
                            }
                        ],
                        "responses": {"200": {"description": "OK"}},
                    }
                }
            },
        }
    )
    schema.config.phases.update(phases=["examples", "coverage"])
    # The selftests run without the suite's engine: schemathesis' own functions.
    assert not any(
        hasattr(getattr(builder, name), "__wrapped__") for name in patches.EXPLICIT_CASES
    )
    restore = patches.defer_explicit_cases(deferring)
    try:
        test = build_operation_test(
            config=schema.config,
            operation=schema["/items"]["GET"],
            test_func=lambda case: None,
            given_kwargs={},
            feedback=FeedbackSources(),
        )
    finally:
        restore()
    # create_test called both, and added nothing yet.
    assert len(queued) == 2
    assert not getattr(test, "hypothesis_explicit_examples", [])
    for add_cases in queued:
        assert add_cases() is test
    cases = [example.kwargs["case"] for example in test.hypothesis_explicit_examples]
    assert {"q": "ab"} in [case.query for case in cases]
    assert len(cases) > 1
    assert not hasattr(builder.add_coverage, "__wrapped__")  # put back


# --- requests, urllib3, vcrpy: the replay transport -------------------------------------


def test_vcr_request_uri_is_what_vcrpys_stub_records(tmp_path):
    recorded = []
    cassette_path = tmp_path / "c.json"
    cassette_path.write_text('{"version": 1, "interactions": []}')
    with VCR(serializer="json", record_mode="none").use_cassette(str(cassette_path)) as cassette:
        decide = cassette.can_play_response_for
        cassette.can_play_response_for = lambda request: (
            recorded.append(request.uri) or decide(request)
        )
        for url in (
            f"{BASE}/media/byquery/a b%2fä[1]?q=x y",
            "http://replay.invalid:8080/v3.1/x",
            "https://replay.invalid:443/v3.1/y",
        ):
            with pytest.raises(CannotOverwriteExistingCassetteException):
                requests.get(url)
            assert (
                patches.vcr_request_uri(requests.Request("GET", url).prepare().url) == recorded[-1]
            )


def test_sessions_send_through_the_given_adapter_only_while_inside():
    adapter = requests.adapters.HTTPAdapter()
    with patches.sessions_sending_to(adapter):
        assert requests.Session().get_adapter(BASE) is adapter
        assert requests.Session().get_adapter("HTTPS://replay.invalid/") is adapter
    assert requests.Session().get_adapter(BASE) is not adapter


# --- schemathesis: pin_gapped_repeats ---------------------------------------------------

# The contract's `streamtypes` list: each `,item` of the repeat is 5, 6, 8, 9 or 11 characters.
ITEM = "(video|audio|image|article|playlist|collection|show|event|team|live|radio|rack|file|place|link)"
STREAMTYPES = f"^{ITEM}(,{ITEM})*$"


@pytest.fixture
def pin_pattern_length():
    from schemathesis.core.jsonschema import patterns

    patterns.pin_pattern_length.cache_clear()
    yield patterns.pin_pattern_length
    patterns.pin_pattern_length.cache_clear()


def test_schemathesis_alone_cannot_pin_a_gapped_repeat(monkeypatch, pin_pattern_length):
    from schemathesis.core.jsonschema import patterns

    installed = patterns._restrict_repeat
    monkeypatch.setattr(patterns, "_restrict_repeat", getattr(installed, "__wrapped__", installed))
    # Unchanged: the coverage phase searches the whole pattern for a match of 200 characters.
    assert pin_pattern_length(STREAMTYPES, 200, 200) == STREAMTYPES


@pytest.mark.parametrize("length", [4, 9, 11, 100, 199, 200])
def test_a_gapped_repeat_is_pinned_to_the_length_asked_for(pin_pattern_length, length):
    from schemathesis.generation.hypothesis.examples import generate_one

    patches.pin_gapped_repeats()
    patches.pin_gapped_repeats()  # idempotent
    pinned = pin_pattern_length(STREAMTYPES, length, length)
    assert pinned != STREAMTYPES
    for _ in range(3):
        value = generate_one(hypothesis_strategies.from_regex(pinned, fullmatch=True))
        assert len(value) == length
        assert re.fullmatch(STREAMTYPES, value), value


def test_a_length_the_repeat_cannot_reach_leaves_the_pattern_as_it_was(pin_pattern_length):
    patches.pin_gapped_repeats()
    at_most_two = "^(ab|abcd)(,(ab|abcd)){0,2}$"
    assert pin_pattern_length(at_most_two, 100, 100) == at_most_two
    assert pin_pattern_length(at_most_two, 8, 8) != at_most_two  # ab,ab,ab


DOT = {"type": "string", "pattern": "^a.b$"}


def schemathesis_response_validator(schema: dict):
    """The validator schemathesis builds for a response schema, the way it builds them all."""
    import jsonschema_rs
    from schemathesis.specs.openapi.adapter import responses

    return responses._build_response_validator(schema, jsonschema_rs.Draft202012Validator, True)


def test_schemathesis_builds_its_response_validators_in_one_function():
    from schemathesis.specs.openapi.adapter import responses

    for caller in (responses.ResponseSchemaCache.validator, responses.OpenApiResponse):
        assert "_build_response_validator(" in inspect.getsource(caller)
    built = getattr(responses._build_response_validator, "__wrapped__", None)
    original = built or responses._build_response_validator
    assert tuple(inspect.signature(original).parameters) == patches.RESPONSE_VALIDATOR_SHAPE
    source = inspect.getsource(original)
    assert "pattern_options=FANCY_REGEX_OPTIONS" in source
    assert "formats=supplemental_formats(validator_cls)" in source


def test_response_patterns_are_read_as_ecma_262_once_patched(monkeypatch):
    from schemathesis.specs.openapi.adapter import responses

    installed = responses._build_response_validator
    original = getattr(installed, "__wrapped__", installed)
    monkeypatch.setattr(responses, "_build_response_validator", original)
    # schemathesis' own engine: `.` takes a carriage return, format regex a script's name
    # without `Script=`, which ECMA-262 refuses.
    assert schemathesis_response_validator(DOT).is_valid("a\rb")
    assert schemathesis_response_validator({"format": "regex"}).is_valid(r"\p{Greek}")

    assert patches.ecma_response_patterns()
    assert patches.ecma_response_patterns()  # idempotent
    assert not schemathesis_response_validator(DOT).is_valid("a\rb")
    assert schemathesis_response_validator(DOT).is_valid("a-b")
    assert not schemathesis_response_validator({"format": "regex"}).is_valid(r"\p{Greek}")
    # Everything else is checked as before.
    assert not schemathesis_response_validator({"type": "integer"}).is_valid("1")


def test_a_changed_response_validator_builder_is_left_alone_with_one_warning(monkeypatch):
    from schemathesis.specs.openapi.adapter import responses

    def changed(schema, validator_cls):
        raise AssertionError("not called")

    monkeypatch.setattr(responses, "_build_response_validator", changed)
    monkeypatch.setattr(patches, "_decided", {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert not patches.ecma_response_patterns()
        assert not patches.ecma_response_patterns()
    assert responses._build_response_validator is changed
    (warning,) = caught
    assert str(warning.message).startswith(
        f"nexx: patch ecma_response_patterns is off: schemathesis {version('schemathesis')} "
    )


@pytest.mark.parametrize(
    "pattern, value",
    [("^a.b$", "a\rb"), (r"\S", "\x1f"), (r"^\d$", "\u0663"), ("\\b\u00e9", "\u00e9")],
)
def test_the_generator_pattern_check_is_the_one_generation_filters_with(pattern, value):
    from schemathesis.core.jsonschema import make_validator_for

    drawn_filter = make_validator_for({"type": "string", "pattern": pattern}).is_valid
    assert patches.generator_pattern_check(pattern)(value) == drawn_filter(value)


# --- a library that changed under a patch ----------------------------------------------

MOVED = """
from schemathesis.core.jsonschema import patterns

# A schemathesis release that renamed the private function pin_gapped_repeats wraps.
patterns._restrict_repeat_renamed = patterns._restrict_repeat
del patterns._restrict_repeat
"""


def test_a_moved_private_function_turns_its_patch_off_with_one_warning(pytester):
    pytester.makeconftest(MOVED)
    pytester.makepyfile("def test_runs(target):\n    assert target.base_url\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--target", "replay", "-n", "2"
    )
    assert result.ret == pytest.ExitCode.OK
    output = result.stdout.lines + result.stderr.lines
    assert not [line for line in output if "INTERNALERROR" in line]
    warned = [line for line in output if "nexx: patch pin_gapped_repeats is off" in line]
    assert len(warned) == 1, output
    assert f"schemathesis {version('schemathesis')}" in warned[0]
    assert "_restrict_repeat is gone" in warned[0]
    result.assert_outcomes(passed=1)
