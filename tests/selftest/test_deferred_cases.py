from pathlib import Path

import schemathesis
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.hypothesis import builder
from schemathesis.pytest._test_builder import build_operation_test

from nexx_conformance import deferred_cases

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "nexx-user.openapi.yaml"


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

    return build_operation_test(config=operation.schema.config, operation=operation, test_func=test,
                                given_kwargs={}, feedback=FeedbackSources())


def explicit_cases(test) -> list[str]:
    return [repr(example.kwargs["case"]) for example in getattr(test, "hypothesis_explicit_examples", [])]


def eager(function):
    return getattr(function, "__wrapped__", function)


def test_deferred_test_gets_the_cases_an_eager_one_has_when_run(monkeypatch):
    for name in deferred_cases.DEFERRED:
        monkeypatch.setattr(builder, name, eager(getattr(builder, name)))
    expected = explicit_cases(built_test(login()))

    for name in deferred_cases.DEFERRED:
        monkeypatch.setattr(builder, name, deferred_cases.deferring(getattr(builder, name)))
    test = built_test(login())
    assert explicit_cases(test) == []
    deferred_cases.add_pending_cases(test)
    assert explicit_cases(test) == expected
    # Examples first, then the coverage cases: both kinds are there.
    assert len(expected) > 10
    assert "'username': 'alice_90'" in expected[0]
    # Once: running the test again adds nothing.
    deferred_cases.add_pending_cases(test)
    assert explicit_cases(test) == expected


def test_deferring_twice_wraps_once():
    def add_cases(test):
        return test

    once = deferred_cases.deferring(add_cases)
    assert deferred_cases.deferring(once) is once


def test_a_test_without_pending_cases_is_left_alone():
    def plain():
        pass

    deferred_cases.add_pending_cases(plain)
    deferred_cases.add_pending_cases(None)
    assert not hasattr(plain, deferred_cases.PENDING)
