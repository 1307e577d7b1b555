import re

from nexx_conformance.config import resolve
from nexx_conformance.recording.matchers import RUN_ID
from nexx_conformance.state import new_run_id


def test_live_run_ids_differ_per_run_and_worker_and_fit_the_matcher():
    config = resolve(lambda name: None, {})
    ids = {new_run_id(config, "gw0"), new_run_id(config, "gw0"), new_run_id(config, "gw1")}
    assert len(ids) == 3
    for run_id in ids:
        assert re.fullmatch(r"[a-z0-9]+", run_id)
        assert RUN_ID.sub("qa_RUN_", f"qa_{run_id}t3_1") == "qa_RUN_1"


def test_replay_run_id_is_fixed():
    config = resolve(lambda name: {"target": "replay"}.get(name), {})
    assert new_run_id(config, "gw3") == "replay"
