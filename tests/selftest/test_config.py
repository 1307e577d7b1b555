import pytest

from nexx_conformance import constants as c
from nexx_conformance.config import ConfigError, Generation, parse_guessed_rules, resolve
from nexx_conformance.targets import kind_of
from nexx_conformance.targets.reference import ReferenceServer


def options(**given):
    return lambda name: given.get(name)


def test_reference_defaults_generate_secret_and_eternal_session():
    config = resolve(options(), kind_of, {})
    assert kind_of(config.target) is ReferenceServer and config.domain_id == c.DEFAULT_DOMAIN_ID
    assert len(config.domain_secret) >= 20 and config.eternal_cid
    assert config.allow_destructive is True
    assert config.extra_domains == {c.DOMAIN_AUTOAUTHORIZE: 4712, c.DOMAIN_SMS_2FA: 4713}


def test_command_line_beats_environment_beats_default():
    env = {
        "NEXX_DOMAIN_ID": "5000",
        "NEXX_TARGET": "https://env.example/v3.1",
        "NEXX_DOMAIN_SECRET": "from-env",
    }
    assert resolve(options(), kind_of, env).domain_id == 5000
    config = resolve(options(domain_id="6000", target="https://cli.example/v3.1/"), kind_of, env)
    assert config.domain_id == 6000
    assert config.base_url == "https://cli.example/v3.1"
    assert config.domain_secret == "from-env"


def test_url_target_needs_secret_and_is_not_destructive_by_default():
    with pytest.raises(ConfigError, match="NEXX_DOMAIN_SECRET"):
        resolve(options(target="https://staging.example/v3.1"), kind_of, {})
    config = resolve(options(target="https://staging.example/v3.1", domain_secret="x"), kind_of, {})
    assert config.allow_destructive is False and config.extra_domains == {}


def test_url_target_reads_extra_domains_from_environment():
    config = resolve(
        options(target="http://127.0.0.1:8080/v3.1", domain_secret="x"),
        kind_of,
        {"NEXX_DOMAIN_ID_AUTOAUTHORIZE": "12"},
    )
    assert config.extra_domains == {c.DOMAIN_AUTOAUTHORIZE: 12}


def test_replay_uses_placeholders():
    config = resolve(options(target="replay", domain_secret="real"), kind_of, {})
    assert config.domain_secret == c.REPLAY_SECRET and config.base_url == c.REPLAY_BASE_URL


@pytest.mark.parametrize(
    "given, message",
    [
        pytest.param({"target": "ftp://x"}, "--target must be", id="malformed-target"),
        pytest.param(
            {"target": "http://h:99999/v3.1", "domain_secret": "x"}, "invalid port", id="bad-port"
        ),
        pytest.param({"domain_id": "abc"}, "positive integer", id="bad-domain-id"),
        pytest.param({"mailbox": "pop3://h:1"}, "--mailbox must", id="bad-mailbox-scheme"),
        pytest.param({"sms_inbox": "webhook://h"}, "--sms-inbox must", id="sms-inbox-without-port"),
        pytest.param({"allow_destructive": "maybe"}, "NEXX_ALLOW_DESTRUCTIVE", id="bad-flag"),
    ],
)
def test_bad_configuration_is_one_clear_error(given, message):
    with pytest.raises(ConfigError, match=message):
        resolve(options(**given), kind_of, {})


def test_secret_never_in_repr():
    config = resolve(
        options(domain_secret="very-secret-value", eternal_cid="eternal-value"), kind_of, {}
    )
    assert "very-secret-value" not in repr(config) and "eternal-value" not in repr(config)


def test_destructive_flag_from_environment():
    config = resolve(
        options(target="https://s.example/v3.1", domain_secret="x"),
        kind_of,
        {"NEXX_ALLOW_DESTRUCTIVE": "1"},
    )
    assert config.allow_destructive is True


def test_side_effects_are_allowed_on_the_reference_and_asked_for_on_a_url():
    assert resolve(options(), kind_of, {}).allow_side_effects is True
    url = {"target": "https://s.example/v3.1", "domain_secret": "x"}
    assert resolve(options(**url), kind_of, {}).allow_side_effects is False
    assert (
        resolve(options(**url), kind_of, {"NEXX_ALLOW_SIDE_EFFECTS": "yes"}).allow_side_effects
        is True
    )
    assert resolve(options(**url, allow_side_effects="yes"), kind_of, {}).allow_side_effects is True
    with pytest.raises(ConfigError, match="NEXX_ALLOW_SIDE_EFFECTS"):
        resolve(options(**url), kind_of, {"NEXX_ALLOW_SIDE_EFFECTS": "maybe"})


@pytest.mark.parametrize(
    "value, default, expected",
    [
        pytest.param(None, "warn", "warn", id="none-given-takes-the-default"),
        pytest.param("", "fail", "fail", id="empty-takes-the-default"),
        pytest.param("fail", "warn", "fail", id="given-beats-the-default"),
        pytest.param("WARN", "fail", "warn", id="any-case"),
    ],
)
def test_mode_given_beats_the_target_default(value, default, expected):
    assert parse_guessed_rules(value, default=default) == expected


def test_an_unknown_mode_is_a_configuration_error():
    with pytest.raises(ConfigError, match="NEXX_GUESSED_RULES"):
        parse_guessed_rules("maybe", default="warn")


@pytest.mark.parametrize(
    "given, env, seed, examples",
    [
        pytest.param({}, {}, 4711, 10, id="default-the-recorded-run"),
        pytest.param({}, {"NEXX_SEED": "17", "NEXX_MAX_EXAMPLES": "50"}, 17, 50, id="environment"),
        pytest.param({"seed": "3"}, {"NEXX_SEED": "17"}, 3, 10, id="option-beats-environment"),
        pytest.param({"seed": " 2 "}, {}, 2, 10, id="spaces-around"),
    ],
)
def test_seed_and_examples_command_line_beats_environment_beats_default(given, env, seed, examples):
    generation = resolve(options(**given), kind_of, env).generation
    assert (generation.seed, generation.max_examples) == (seed, examples)
    assert generation.is_recorded is ((seed, examples) == (4711, 10))


@pytest.mark.parametrize(
    "given, message",
    [
        pytest.param({"seed": "abc"}, "--seed / NEXX_SEED must be a whole number", id="word"),
        pytest.param({"seed": "-1"}, "from 0 to 2\\*\\*128 - 1, not '-1'", id="negative"),
        pytest.param({"seed": "\u0663"}, "NEXX_SEED must be", id="non-ascii-digit"),
        pytest.param({"seed": str(2**128)}, "NEXX_SEED must be", id="beyond-128-bits"),
        pytest.param({"max_examples": "0"}, "from 1 to 100000, not '0'", id="no-examples"),
        pytest.param({"max_examples": "1e3"}, "NEXX_MAX_EXAMPLES must be", id="not-whole"),
        pytest.param({"target": "replay", "seed": "5"}, "a replay plays", id="replay-seeded"),
    ],
)
def test_a_bad_seed_or_number_of_examples_is_one_clear_error(given, message):
    with pytest.raises(ConfigError, match=message):
        resolve(options(**given), kind_of, {})


def test_a_replay_takes_the_recorded_generation_stated_outright():
    config = resolve(options(target="replay", seed="4711", max_examples="10"), kind_of, {})
    assert config.generation.is_recorded


@pytest.mark.parametrize(
    "examples, runs",
    [
        pytest.param(10, 1, id="recorded-run-one-run"),
        pytest.param(9, 1, id="fewer-still-one"),
        pytest.param(50, 5, id="one-run-per-ten"),
    ],
)
def test_more_examples_run_more_short_runs_of_linked_sequences(examples, runs):
    assert Generation(max_examples=examples).stateful_runs == runs
