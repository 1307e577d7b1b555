"""What every target shares: the preflight check, run ids, sinks refused under xdist."""

import re

import httpx
import pytest
import respx

from nexx_conformance.client import NexxClient
from nexx_conformance.config import ConfigError
from nexx_conformance.recording.matchers import RUN_ID
from nexx_conformance.targets import configured_target, kind_of
from nexx_conformance.targets.base import TargetError, preflight
from nexx_conformance.targets.reference import ReferenceServer
from nexx_conformance.targets.replay import Replay
from nexx_conformance.targets.url import UrlTarget

BASE = "https://staging.test/v3.1"


def init_ok():
    return httpx.Response(
        201, json={"metadata": {"status": 201}, "result": {"general": {"cid": "c"}}}
    )


@respx.mock
def test_preflight_passes_when_signed_call_is_accepted():
    respx.post(f"{BASE}/4711/session/init").mock(return_value=init_ok())
    keepalive = respx.post(f"{BASE}/4711/session/keepalive").mock(
        return_value=httpx.Response(200, json={"metadata": {"status": 200}, "result": {}})
    )
    preflight(NexxClient(BASE, 4711, "s"))
    assert keepalive.called


@respx.mock
def test_wrong_secret_is_named_as_such():
    respx.post(f"{BASE}/4711/session/init").mock(return_value=init_ok())
    respx.post(f"{BASE}/4711/session/keepalive").mock(
        return_value=httpx.Response(
            401, json={"metadata": {"status": 401, "errorhint": "bad token"}}
        )
    )
    with pytest.raises(TargetError, match="rejects our signature.*--domain-secret"):
        preflight(NexxClient(BASE, 4711, "wrong"))


@respx.mock
def test_unreachable_target_is_named_as_such():
    respx.post(f"{BASE}/4711/session/init").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(TargetError, match="not reachable: ConnectError"):
        preflight(NexxClient(BASE, 4711, "s"))


@respx.mock
def test_wrong_base_url_is_named_as_such():
    respx.post(f"{BASE}/4711/session/init").mock(return_value=httpx.Response(404, text="nope"))
    with pytest.raises(TargetError, match="did not open a session - is the base URL right"):
        preflight(NexxClient(BASE, 4711, "s"))


def test_live_run_ids_differ_per_run_and_worker_and_fit_the_matcher():
    target = configured_target(lambda name: None, {})
    ids = {target.new_run_id("gw0"), target.new_run_id("gw0"), target.new_run_id("gw1")}
    assert len(ids) == 3
    for run_id in ids:
        assert re.fullmatch(r"[a-z0-9]+", run_id)
        assert RUN_ID.sub("qa_RUN_", f"qa_{run_id}t3_1") == "qa_RUN_1"


def test_fixed_sink_ports_are_refused_under_xdist():
    target = configured_target(lambda name: {"sms_inbox": "webhook://127.0.0.1:2526"}.get(name), {})
    with pytest.raises(
        ConfigError, match="--sms-inbox webhook://127.0.0.1:2526 is a sink on one fixed port"
    ):
        target.check_before_workers()
    configured_target(lambda name: None, {}).check_before_workers()


@pytest.mark.parametrize(
    "value, kind",
    [
        pytest.param("reference", ReferenceServer, id="reference-keyword"),
        pytest.param("replay", Replay, id="replay-keyword"),
        pytest.param("https://staging.example/v3.1", UrlTarget, id="anything-else-is-a-url"),
    ],
)
def test_each_target_value_has_its_kind(value, kind):
    assert kind_of(value) is kind
