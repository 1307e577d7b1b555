"""The garbage collector is off while pytest collects, on (with what collection built
frozen) while the tests run, and given back as it was when the run ends."""

import gc
import json

import pytest

RECORDING = """
import gc, json, pathlib
STATES = pathlib.Path("states.json")

def pytest_collection_modifyitems(items):
    STATES.write_text(json.dumps({"collecting": gc.isenabled()}))

def test_records_the_collector_while_it_runs():
    states = json.loads(STATES.read_text())
    states.update(running=gc.isenabled(), frozen=gc.get_freeze_count())
    STATES.write_text(json.dumps(states))
"""


def run_recording(pytester) -> dict:
    pytester.makeconftest(RECORDING.split("def test_")[0])
    pytester.makepyfile("from conftest import *\n\ndef test_" + RECORDING.split("def test_")[1])
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    return json.loads((pytester.path / "states.json").read_text())


@pytest.fixture
def collector_on():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    yield frozen
    gc.enable()


def test_collector_is_off_while_collecting_and_on_with_collection_frozen_while_testing(
    pytester, collector_on
):
    states = run_recording(pytester)
    assert states["collecting"] is False
    assert states["running"] is True and states["frozen"] > collector_on
    # Given back: on, and nothing left frozen (gc.unfreeze() gives back all that is frozen,
    # also what the run of these selftests froze, which only costs that run some time).
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_collector_switched_off_by_the_user_stays_off(pytester, collector_on):
    gc.disable()
    states = run_recording(pytester)
    assert states == {"collecting": False, "running": False, "frozen": collector_on}
    assert not gc.isenabled()


def test_a_run_stopped_in_collection_gives_the_collector_back(pytester, collector_on):
    pytester.makepyfile("def test_x(target): pass")
    result = pytester.runpytest_inprocess(
        "--target", "http://127.0.0.1:9/v3.1", "--domain-secret", "x"
    )
    assert "is not reachable" in result.stdout.str() + result.stderr.str()
    assert gc.isenabled()
