"""Which tests run, in which order: --flow and NEXX_FLOW, the quick pass first (the
destructive marker: test_destructive.py)."""

import pytest

from nexx_conformance.pytest_plugin.selection import quick_pass_first

FLOWS = """
import pytest

@pytest.mark.flow("2fa-sms")
def test_sms():
    pass

@pytest.mark.flow("u2f")
@pytest.mark.quick
def test_key():
    pass

def test_no_flow():
    pass
"""


def test_flow_option_keeps_only_that_flow(pytester):
    pytester.makepyfile(FLOWS)
    result = pytester.runpytest("--flow", "u2f", "-v")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["*test_key PASSED*"])


def test_flows_come_from_the_environment_and_the_option_wins(pytester, monkeypatch):
    pytester.makepyfile(FLOWS)
    monkeypatch.setenv("NEXX_FLOW", "2fa-sms, u2f")
    pytester.runpytest().assert_outcomes(passed=2, deselected=1)
    pytester.runpytest("--flow", "u2f").assert_outcomes(passed=1, deselected=2)


def test_an_unknown_flow_in_the_environment_is_a_usage_error(pytester, monkeypatch):
    pytester.makepyfile(FLOWS)
    monkeypatch.setenv("NEXX_FLOW", "2fa-fax")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*NEXX_FLOW names unknown flows 2fa-fax; known: *(nexx_conformance.constants.FLOWS*"]
    )


def test_an_unknown_flow_id_stops_the_run_before_any_target_starts(pytester):
    # A conformance-like test that needs the target comes first: the check is before it.
    pytester.makepyfile(
        test_a_first="def test_needs_the_target(target):\n    pass\n",
        test_b_flow='import pytest\n\n@pytest.mark.flow("each-device")\ndef test_x(): pass\n',
    )
    result = pytester.runpytest("--target", "http://127.0.0.1:9/v3.1", "--domain-secret", "x")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            (
                "*test_b_flow.py:3: @pytest.mark.flow('each-device') names an unknown flow; known: "
                "register-authorize-login, *. The flow ids are nexx_conformance.constants.FLOWS "
                "(src/nexx_conformance/constants.py): a new flow adds its id there*"
            )
        ]
    )
    assert "cannot start the run" not in result.stdout.str() + result.stderr.str()


def test_the_quick_pass_runs_first(pytester):
    pytester.makepyfile(FLOWS)
    result = pytester.runpytest("-v", "-p", "no:randomly")
    result.stdout.fnmatch_lines(["*test_key PASSED*", "*test_sms PASSED*", "*test_no_flow PASSED*"])


class FakeItem:
    def __init__(self, name: str, *markers: str) -> None:
        self.name = name
        self.markers = markers

    def get_closest_marker(self, name: str):
        return name if name in self.markers else None


def test_quick_pass_then_flows_then_deep_generation_each_in_its_own_order():
    items = [
        FakeItem("deep operation 1"),
        FakeItem("operation examples 1", "quick"),
        FakeItem("stateful"),
        FakeItem("flow edge case", "flow"),
        FakeItem("deep operation 2"),
        FakeItem("flow main path", "flow", "quick"),
        FakeItem("operation examples 2", "quick"),
        FakeItem("another flow edge case", "flow"),
    ]
    quick_pass_first(items)
    assert [item.name for item in items] == [
        "operation examples 1",
        "flow main path",
        "operation examples 2",
        "flow edge case",
        "another flow edge case",
        "deep operation 1",
        "stateful",
        "deep operation 2",
    ]
