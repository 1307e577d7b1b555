"""The fault catalogue and the benign variants (nexx_reference.faults): each entry changes
something a client can observe, only the server it was switched on for, and a clean
server is unaffected."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections import Counter
from copy import deepcopy
from http import HTTPStatus
from pathlib import Path

import pytest

from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.client import NexxClient
from nexx_conformance.envelope import ApiResponse
from nexx_reference import faults
from nexx_reference.faults.exchange import Exchange, compact_json
from nexx_reference.server import start_in_thread

from .conftest import AUTO_DOMAIN, MANUAL_DOMAIN, PASSWORD, SECRET, client_of, make_settings

SOURCE = Path(faults.__file__).resolve().parent.parent
CONSULTED = re.compile(r'faults\.active\(\s*(?:"([^"]+)"|([A-Z_]+)\[)')
USER = {
    "ID": 7,
    "email": "ada@example.org",
    "status": "",
    "newsletter": 0,
    "ageclass": 0,
    "isanonymous": 0,
    "created": 1764000000,
    "twofactor": {"app": 0, "u2fdevices": 0},
    "channelsubscriptions": [],
    "firstname": "Ada Augusta, Countess of Lovelace, who wrote the first published algorithm",
}


def exchange(
    status: int, path: str, result, *, query: str = "", body: str = "", **extra
) -> Exchange:
    # As the reference answers: metadata as a real nexx system sends it, no result on errors.
    envelope = {
        "metadata": {
            "status": status,
            "apiversion": "3.1.30",
            "verb": "POST",
            "processingtime": 0.001,
            "calledwith": path.removeprefix("/v3.1").removeprefix("/4711"),
            "forclient": 4711,
        },
        "result": result,
        **extra,
    }
    if status >= 400:
        envelope["metadata"]["errorhint"] = "refused"
        del envelope["result"]
    return Exchange(
        method="POST",
        path=path,
        query=query,
        request_body=body.encode(),
        request_headers={
            "x-request-token": "0123456789abcdef0123456789abcdef",
            "accept-encoding": "gzip, deflate",
        },
        status=status,
        headers=[("content-type", "application/json")],
        body=compact_json(envelope),
    )


def samples() -> list[Exchange]:
    """One answer of each shape the rewrites look for."""
    return [
        exchange(HTTPStatus.OK, "/v3.1/4711/user/profile", deepcopy(USER)),
        exchange(
            HTTPStatus.CREATED,
            "/v3.1/4711/session/init",
            {
                "general": {
                    "cid": "c" * 43,
                    "isNewSession": 1,
                    "persistent": 0,
                    "expires": 1764000000,
                },
                "device": {"id": "d" * 32},
                "system": {"clientstatus": "online"},
            },
        ),
        exchange(
            HTTPStatus.OK,
            "/v3.1/4711/user/favourites",
            [{"general": {"ID": 1, "hash": "ABC1"}}],
            query="start=1&limit=5",
            paging={"start": 1, "limit": 5, "resultcount": 3},
        ),
        exchange(HTTPStatus.UNAUTHORIZED, "/v3.1/4711/user/profile", None),
        exchange(HTTPStatus.CONFLICT, "/v3.1/4711/user/register", None),
        exchange(
            HTTPStatus.BAD_REQUEST,
            "/v3.1/4711/user/register",
            None,
            body="username=%C3%A9l%C3%A8ve",
        ),
    ]


def observed(sample: Exchange) -> tuple:
    return sample.status, sorted(sample.headers), sample.final_body(), sample.delay


DEVICE = {"nxp_devh": "d" * 32}
REWRITES = [
    entry
    for entry in (*faults.CATALOGUE.values(), *faults.VARIANT_CATALOGUE.values())
    if entry.rewrite
]
SWITCHES = [
    entry
    for entry in (*faults.CATALOGUE.values(), *faults.VARIANT_CATALOGUE.values())
    if not entry.rewrite
]


def consulted_names() -> Counter[str]:
    """Every name the server's code asks `faults.active` about (a dict lookup counts its values)."""
    found: Counter[str] = Counter()
    for path in SOURCE.rglob("*.py"):
        if path.relative_to(SOURCE).parts[0] == "faults":
            continue
        text = path.read_text()
        for literal, table in CONSULTED.findall(text):
            if literal:
                found[literal] += 1
            else:
                block = re.search(rf"^{table} = \{{(.*?)\}}", text, re.DOTALL | re.MULTILINE)
                found.update(re.findall(r':\s*"([^"]+)"', block.group(1)) if block else [])
    return found


def test_the_catalogue_has_forty_faults_three_of_each_kind_and_eight_variants() -> None:
    kinds = Counter(entry.kind for entry in faults.CATALOGUE.values())
    assert len(faults.CATALOGUE) >= 40
    assert all(kinds[kind] >= 3 for kind in faults.KINDS if kind != "benign"), kinds
    assert len(faults.VARIANT_CATALOGUE) >= 8
    assert not set(faults.CATALOGUE) & set(faults.VARIANT_CATALOGUE)


def test_every_fault_names_who_should_catch_it() -> None:
    from nexx_conformance.constants import FLOWS

    allowed = {faults.CONFORMANCE, *(faults.flow(flow_id) for flow_id in FLOWS)}
    assert {
        entry.name: entry.killer
        for entry in faults.CATALOGUE.values()
        if entry.killer not in allowed
    } == {}


def test_every_flow_has_a_fault_to_kill() -> None:
    # The guide's new-flow checklist (docs/writing-scenarios.md): a flow owns at least one
    # catalogued fault, so the kill matrix shows that it can fail.
    from nexx_conformance.constants import FLOWS

    owned = {entry.killer for entry in faults.CATALOGUE.values()}
    assert [flow_id for flow_id in FLOWS if faults.flow(flow_id) not in owned] == []


@pytest.mark.parametrize("entry", SWITCHES, ids=lambda entry: entry.name)
def test_every_switch_is_consulted_by_a_rule(entry: faults.Entry) -> None:
    assert consulted_names()[entry.name] >= 1, f"no rule asks faults.active({entry.name!r})"


def test_the_server_consults_only_catalogued_names() -> None:
    assert set(consulted_names()) <= {entry.name for entry in SWITCHES}


@pytest.mark.parametrize("entry", REWRITES, ids=lambda entry: entry.name)
def test_every_rewrite_changes_an_answer(entry: faults.Entry) -> None:
    changed = []
    for sample in samples():
        before = observed(sample)
        entry.rewrite(sample)
        changed.append(observed(sample) != before)
    assert any(changed), f"{entry.name} changed none of the sample answers"


def test_switches_are_off_outside_a_faulty_server() -> None:
    assert not any(faults.active(name) for name in (*faults.CATALOGUE, *faults.VARIANT_CATALOGUE))


def test_a_misspelt_switch_is_an_error() -> None:
    with pytest.raises(KeyError):
        faults.active("authorise-token-reusable")


def test_a_clean_server_has_no_fault_middleware() -> None:
    from nexx_reference.app import create_app

    app = create_app(make_settings())
    assert faults.FaultMiddleware not in [middleware.cls for middleware in app.user_middleware]


def unchecked_client(base_url: str) -> NexxClient:
    """The suite's client without the contract check: a faulty server breaks the contract
    on purpose, and what it answers is what these tests look at."""
    return NexxClient(base_url, AUTO_DOMAIN, SECRET, timeout=30)


def keepalive_with_wrong_token(base_url: str) -> ApiResponse:
    client = unchecked_client(base_url)
    try:
        cid = client.init(**DEVICE).cid
        return client.call(
            "POST",
            "session/keepalive",
            cid=cid,
            signed=False,
            headers={"X-Request-CID": cid, "X-Request-Token": "0" * 32},
        )
    finally:
        client.close()


def test_a_switch_is_active_only_on_its_own_server() -> None:
    faulty = start_in_thread(make_settings(faults=("signature-not-checked",)))
    clean = start_in_thread(make_settings())
    try:
        assert keepalive_with_wrong_token(faulty.base_url).status == HTTPStatus.OK
        assert keepalive_with_wrong_token(clean.base_url).status == HTTPStatus.UNAUTHORIZED
    finally:
        faulty.stop()
        clean.stop()


def test_a_rewrite_reaches_the_client() -> None:
    with start_in_thread(make_settings(faults=("404-instead-of-401",))) as server:
        response = keepalive_with_wrong_token(server.base_url)
    assert response.status == HTTPStatus.NOT_FOUND
    assert response.metadata["status"] == HTTPStatus.NOT_FOUND


def authorize_twice(base_url: str, mailbox: SmtpSink) -> tuple[int, int]:
    name = f"fault_{uuid.uuid4().hex[:10]}"
    email = f"{name}@example.org"
    client = client_of(base_url, MANUAL_DOMAIN)
    try:
        session = client.init(**DEVICE)
        registered = session.post("user/register", username=name, email=email, password=PASSWORD)
        assert registered.status == HTTPStatus.CREATED, registered.describe()
        token = mailbox.wait_for(email, "authorize").token
        first = session.post(f"user/authorize/{token}").status
        second = session.post(f"user/authorize/{token}").status
    finally:
        client.close()
    return first, second


def test_a_domain_rule_switch_changes_the_rule(mailbox: SmtpSink) -> None:
    with start_in_thread(make_settings(mailbox, faults=("authorize-token-reusable",))) as server:
        assert authorize_twice(server.base_url, mailbox) == (HTTPStatus.OK, HTTPStatus.OK)
    with start_in_thread(make_settings(mailbox)) as server:
        assert authorize_twice(server.base_url, mailbox) == (HTTPStatus.OK, HTTPStatus.CONFLICT)


def test_a_gzip_variant_still_answers_the_same_json() -> None:
    with start_in_thread(make_settings(faults=("gzip",))) as server:
        client = unchecked_client(server.base_url)
        try:
            response = client.init(**DEVICE).init_response
        finally:
            client.close()
    assert response.headers["content-encoding"] == "gzip"
    assert response.result["device"]["id"] == DEVICE["nxp_devh"]


def nexx_reference(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexx_reference.cli", *args],
        check=False,
        capture_output=True,
        text=True,
        env={"NEXX_DOMAIN_SECRET": "s3cret", "PATH": ""},
        timeout=60,
    )


def test_the_cli_lists_the_catalogue_as_json() -> None:
    listed = json.loads(nexx_reference("--list-faults").stdout)
    assert [f["name"] for f in listed["faults"]] == list(faults.CATALOGUE)
    assert [v["name"] for v in listed["variants"]] == list(faults.VARIANT_CATALOGUE)


def test_the_cli_refuses_an_unknown_fault() -> None:
    refused = nexx_reference("--fault", "no-such-fault", "--port", "0")
    assert refused.returncode == 2
    assert "--fault 'no-such-fault': no such entry" in refused.stderr


def test_the_cli_refuses_a_variant_given_as_fault() -> None:
    refused = nexx_reference("--fault", "gzip", "--port", "0")
    assert refused.returncode == 2
