"""One summary per process: an xdist worker hands its own to the controller once, and the
controller adds them up (coverage, cassettes, drift, guessed rules, deviations, users left)."""

from __future__ import annotations

import shutil
from pathlib import Path

from nexx_conformance.contract import contract
from nexx_conformance.coverage import CoverageLog
from nexx_conformance.deviations import Baseline
from nexx_conformance.drift import DriftLog
from nexx_conformance.guessed_rules import GuessedWarnings
from nexx_conformance.pytest_plugin.summary import WORKER_OUTPUT, RunSummary
from nexx_conformance.recording.replay_audit import Tally

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"
BASE = "http://api.test/v3.1"


def empty_summary(deviations: Baseline | None = None) -> RunSummary:
    return RunSummary(
        CoverageLog(contract().operations, lambda: BASE),
        DriftLog(target_base_url=lambda: BASE),
        GuessedWarnings(),
        deviations=deviations,
    )


def worker_summary(users: list[str]) -> dict:
    worker = empty_summary(Baseline([]))
    worker.coverage.record("POST", f"{BASE}/4711/session/keepalive", {}, None, 200)
    worker.add_cassettes(Tally(cassettes=2, replayed=5))
    worker.guessed.add("test_x", "keepalive", 200, [])
    worker.deviations.used.add(1)
    worker.users_left[""] = {"names": users}
    return worker.as_data()


def test_the_controller_sums_what_each_worker_handed_over():
    controller = empty_summary(Baseline([]))
    controller.merge(worker_summary([]), "gw0")
    controller.merge(worker_summary(["4711:qa_left_1"]), "gw1")
    assert controller.coverage.summary()["totals"]["requests"] == 2
    assert controller.tally == Tally(cassettes=4, replayed=10)
    assert len(controller.guessed.items) == 2 and controller.deviations.used == {1}
    assert controller.users_left == {"gw0": {"names": []}, "gw1": {"names": ["4711:qa_left_1"]}}


def test_a_worker_without_cassettes_leaves_the_tally_out():
    controller = empty_summary()
    data = empty_summary().as_data()
    controller.merge(data, "gw0")
    assert controller.tally is None and controller.users_left == {}


HANDOVER_SPY = """
import json

def pytest_testnodedown(node, error):
    keys = sorted(key for key in node.workeroutput if key.startswith("nexx"))
    with open(f"handed-over-{node.gateway.id}.json", "w") as out:
        json.dump(keys, out)
"""


def test_each_worker_hands_over_one_summary_and_the_run_ends_with_their_sum(pytester):
    shutil.copytree(CONTRACTS, pytester.path / "contracts")
    pytester.makeconftest(HANDOVER_SPY)
    pytester.makepyfile("""
        import pytest

        @pytest.mark.parametrize("n", range(2))
        def test_keepalive(anonymous_session, n):
            assert anonymous_session.keepalive().status == 200
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=2)
    for worker in ("gw0", "gw1"):
        assert (pytester.path / f"handed-over-{worker}.json").read_text() == f'["{WORKER_OUTPUT}"]'
    # Each worker's preflight (init, keepalive) and each test's init and keepalive: 4 + 4.
    result.stdout.fnmatch_lines(
        [
            "nexx contract coverage: operations called 2/*, 8 requests *",
            "nexx: users left on the reference server: 0 (gw0: 0, gw1: 0)",
        ]
    )


def test_guessed_rule_warnings_of_every_worker_reach_the_report(pytester):
    pytester.makepyfile("""
        import pytest
        from nexx_conformance.evidence import Evidence
        from nexx_conformance.guessed_rules import Violation

        @pytest.mark.parametrize("n", range(2))
        def test_warns(guessed_warnings, n):
            guess = Evidence("guessed", "a guess")
            guessed_warnings.add(f"test_warns[{n}]", "profile", 200,
                                 [Violation("$.result", "maxLength", "too long", guess)])
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-n", "2", "--report-dir=r")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["2 responses broke only rules the contract guessed*, 1 rules in all*"]
    )
    assert (pytester.path / "r" / "guessed-rules.json").read_text().count(
        '"operation": "profile"'
    ) == 2
