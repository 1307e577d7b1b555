"""A scenario's outcome and steps, gathered from its setup, call and teardown reports."""

from __future__ import annotations

import pytest

from nexx_conformance.flow_runs import FlowRuns

NODE = "tests/scenarios/test_avs.py::test_age_is_verified"
FLOW = [("flow", "avs")]


def report(when, outcome="passed", steps=(), longrepr=None, failed_step=None):
    properties = FLOW + [("step", name) for name in steps]
    if failed_step:
        properties.append(("failed step", str(failed_step)))
    return pytest.TestReport(
        NODE,
        ("x.py", 1, "t"),
        {},
        outcome,
        longrepr,
        when,
        duration=0.5,
        user_properties=properties,
    )


def gathered(*reports):
    runs = FlowRuns()
    for each in reports:
        runs.add(each)
    return runs.by_flow()["avs"][0]


def test_steps_and_the_failed_step_come_from_the_last_report():
    run = gathered(
        report("setup"),
        report("call", "failed", ["register", "verify"], "AssertionError: no", 2),
        report("teardown", steps=["register", "verify"], failed_step=2),
    )
    assert (run.outcome, run.steps, run.failed_step) == ("failed", ("register", "verify"), 2)
    assert run.reason == "no" and run.seconds == 1.5


def test_a_setup_failure_is_an_error():
    assert (
        gathered(report("setup", "failed", longrepr="boom"), report("teardown")).outcome == "error"
    )


def test_a_skip_keeps_its_reason():
    run = gathered(
        report("setup", "skipped", longrepr=("x.py", 1, "Skipped: needs NEXX_DOMAIN_ID_SMS2FA")),
        report("teardown"),
    )
    assert (run.outcome, run.reason) == ("skipped", "needs NEXX_DOMAIN_ID_SMS2FA")


def test_tests_without_a_flow_are_left_out():
    runs = FlowRuns()
    runs.add(pytest.TestReport("t.py::t", ("t.py", 1, "t"), {}, "passed", None, "call"))
    assert runs.by_flow() == {}
