"""The contract as a schemathesis schema, loaded once at import so each operation is a test."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from nexx_conformance.contract import contract
from nexx_conformance.pytest_plugin.run import generation
from nexx_conformance.schemathesis_auth import (
    DrawnCaseAuth,
    keeps_its_meaning,
    leaves_post_on_get_unjudged,
)

# The run's --seed and --max-examples (NEXX_SEED, NEXX_MAX_EXAMPLES), read as this module is
# imported; by default 4711 and 10, the recorded run: the same cases on record and on
# replay, in minutes on 2 cores. A nightly exploratory run gives a fresh seed and more.
GENERATION = generation()
SEED = GENERATION.seed
# Derandomized: the cases depend on the seed alone.
CONFORMANCE_SETTINGS = settings(
    derandomize=True,
    database=None,
    max_examples=GENERATION.max_examples,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
# Each run of the linked sequences, GENERATION.stateful_runs of them (test_stateful.py).
STATEFUL_SETTINGS = settings(CONFORMANCE_SETTINGS, max_examples=5, stateful_step_count=6)


# The quick pass sends each operation's examples before anything goes deep, so a broken
# target fails a run with -x within seconds; the deep pass generates the rest. Together
# they send what one pass with every phase would.
QUICK_PHASES = ["examples"]
DEEP_PHASES = ["coverage", "fuzzing", "stateful"]


def load_contract(phases: list[str]):
    """The schema, seeded, signing every case, with session ids masked in its reports."""
    schema = contract().schemathesis_schema()
    schema.config.seed = SEED
    schema.config.phases.update(phases=phases)
    # The same cases on every run, seed or not (schemathesis.toml leaves this to the CLI).
    schema.config.generation.update(deterministic=True)
    # nexx_conformance.checks.ignored_auth runs it instead, once per operation and test.
    schema.config.checks.update(excluded_check_names=["ignored_auth"])
    sanitization = schema.config.output.sanitization
    # A live session id is as good as a password; schemathesis' own failure report prints
    # the request headers, so it is masked there as in our curl lines.
    sanitization.keys_to_sanitize = tuple(sanitization.keys_to_sanitize) + ("x-request-cid",)
    # The base URL is only known once the target runs: every call passes it (base_url=...).
    # Each test signs its cases with its own sessions (SessionBroker.give_session).
    schema.auth(refresh_interval=None)(DrawnCaseAuth)
    schema.hook("filter_case")(keeps_its_meaning)
    schema.hook("filter_case")(leaves_post_on_get_unjudged)
    return schema


CONTRACT_SCHEMA = load_contract(DEEP_PHASES)
EXAMPLES_SCHEMA = load_contract(QUICK_PHASES)
