from pathlib import Path

import schemathesis
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.hypothesis import builder
from schemathesis.pytest._test_builder import build_operation_test

from nexx_conformance import patches
from nexx_conformance.pytest_plugin import deferred_cases

CONTRACT = Path(__file__).resolve().parents[3] / "contracts" / "nexx-user.openapi.yaml"


def login():
    """POST /session/login, with documented examples and coverage cases, of a schema of its
    own: schemathesis probes each path with undeclared methods once per schema."""
    schema = schemathesis.openapi.from_path(str(CONTRACT))
    schema.config.seed = 4711
    schema.config.phases.update(phases=["examples", "coverage"])
    schema.config.generation.update(deterministic=True)
    return schema["/{domainid}/session/login"]["POST"]


def built_test(operation):
    def test(case):
        pass

    return build_operation_test(
        config=operation.schema.config,
        operation=operation,
        test_func=test,
        given_kwargs={},
        feedback=FeedbackSources(),
    )


def explicit_cases(test) -> list[str]:
    return [
        repr(example.kwargs["case"])
        for example in getattr(test, "hypothesis_explicit_examples", [])
    ]


def test_deferred_test_gets_the_cases_an_eager_one_has_when_run():
    # The selftests run without the suite's engine: schemathesis' own functions build them.
    assert not any(
        hasattr(getattr(builder, name), "__wrapped__") for name in patches.EXPLICIT_CASES
    )
    expected = explicit_cases(built_test(login()))

    pending = deferred_cases.PendingCases()
    restore = patches.defer_explicit_cases(pending.deferring)
    try:
        test = built_test(login())
    finally:
        restore()
    assert explicit_cases(test) == []
    pending.add_cases_to(test)
    assert explicit_cases(test) == expected
    # Examples first, then the coverage cases: both kinds are there.
    assert len(expected) > 10
    assert "'username': 'alice_90'" in expected[0]
    # Once: running the test again adds nothing.
    pending.add_cases_to(test)
    assert explicit_cases(test) == expected


def queued_tests(count: int):
    made = []

    def add_cases(test, label):
        made.append(label)
        return test

    pending = deferred_cases.PendingCases()
    deferred = pending.deferring(add_cases)
    tests = [lambda: None for _ in range(count)]
    for number, test in enumerate(tests):
        deferred(test, f"examples {number}")
        deferred(test, f"coverage {number}")
    return pending, tests, made


def test_cases_are_added_in_the_order_schemathesis_asked_for_them():
    pending, tests, made = queued_tests(3)
    # Whatever runs first (-k, an xdist worker's share), the calls before it are made first.
    pending.add_cases_to(tests[1])
    assert made == ["examples 0", "coverage 0", "examples 1", "coverage 1"]
    pending.add_cases_to(tests[0])
    pending.add_cases_to(tests[2])
    assert made[4:] == ["examples 2", "coverage 2"]


def test_a_function_without_queued_cases_is_left_alone():
    pending, _tests, made = queued_tests(1)
    pending.add_cases_to(lambda: None)
    pending.add_cases_to(None)
    assert made == []
