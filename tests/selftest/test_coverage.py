"""Contract coverage: matching requests to operations, counting names and statuses, merging."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import requests
import schemathesis

from nexx_conformance.contract import Operation, contract, of_document, operation_at, path_pattern
from nexx_conformance.coverage import CoverageLog, SendRecorder, format_table, terminal_lines

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
FORM = "application/x-www-form-urlencoded"
DOMAIN = {"name": "domainid", "in": "path", "required": True, "schema": {"type": "integer"}}
BASE = "http://127.0.0.1:8080/v3.1"
DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "coverage selftest", "version": "1"},
    "paths": {
        "/{domainid}/user/authorize/{token}": {
            "post": {
                "operationId": "authorize",
                "parameters": [
                    DOMAIN,
                    {
                        "name": "token",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "content": {
                        FORM: {
                            "schema": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/Common"},
                                    {
                                        "type": "object",
                                        "properties": {"remember": {"type": "integer"}},
                                    },
                                ]
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}, "404": {"description": "unknown"}},
            }
        },
        "/{domainid}/user/likes": {
            "get": {
                "operationId": "likes",
                "parameters": [
                    DOMAIN,
                    {"name": "start", "in": "query", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {"description": "ok"},
                    "401": {"description": "no session"},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Common": {
                "type": "object",
                "properties": {"noc": {"type": "integer"}, "cfo": {"type": "string"}},
            }
        }
    },
}


def new_log(base_url: str | None = BASE) -> CoverageLog:
    return CoverageLog(of_document(DOCUMENT).operations, lambda: base_url)


@pytest.mark.parametrize(
    "path, matches",
    [
        pytest.param("/v3.1/4711/user/authorize/abc", True, id="versioned-path-matches"),
        pytest.param("/v3.1/4711/user/authorize/abc/extra", False, id="longer-path-does-not-match"),
        pytest.param("/v3.1/4711/user/authorizedevice", False, id="neighbour-does-not-match"),
    ],
)
def test_path_pattern(path, matches):
    assert bool(path_pattern("/{domainid}/user/authorize/{token}").search(path)) is matches


@pytest.mark.parametrize(
    "method, path, found",
    [
        pytest.param("post", "/v3.1/4711/user/authorize/abc", "authorize", id="by-template"),
        pytest.param("POST", "/v3.1/4711/user/authorizedevice", "authorizedevice", id="neighbour"),
        pytest.param("GET", "/v3.1/4711/user/authorizedevice", None, id="other-method-none"),
    ],
)
def test_operation_at_finds_the_operation_by_method_and_template(method, path, found):
    operations = [
        Operation("authorize", "POST", "/{domainid}/user/authorize/{token}"),
        Operation("authorizedevice", "POST", "/{domainid}/user/authorizedevice"),
    ]
    operation = operation_at(operations, method, path)
    assert (operation.operation_id if operation else None) == found


def test_body_property_names_follow_allof_and_local_refs():
    document = {"components": {"schemas": {"Common": {"properties": {"noc": {}, "cfo": {}}}}}}
    schema = {
        "allOf": [
            {"$ref": "#/components/schemas/Common"},
            {"properties": {"username": {}}, "then": {"properties": {"code": {}}}},
        ]
    }
    assert of_document(document).property_names(schema) == {"noc", "cfo", "username", "code"}


def test_the_contracts_operations_read_from_its_bundle_are_schemathesis_reading_of_it():
    # The bundle is read by hand, in a tenth of the time of schemathesis' loading of the
    # contract: it must give the same parameters and statuses for every operation.
    source = schemathesis.openapi.from_path(str(CONTRACTS / "nexx-user.openapi.yaml"))
    expected = {}
    for result in source.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.iter_parameters()} - {"X-Request-CID", "X-Request-Token"}
        for body in operation.body:
            # schemathesis inlines a body's refs under the schema's own "x-bundled" key.
            names |= of_document(body.resolved_schema).property_names(body.resolved_schema)
        statuses = sorted(str(code) for code in operation.definition.raw["responses"])
        expected[operation.label] = (sorted(names), statuses)
    declared = contract().operations
    assert {op.key: (list(op.parameters), list(op.statuses)) for op in declared} == expected


def test_declared_operations_list_parameters_and_statuses():
    authorize = {op.operation_id: op for op in of_document(DOCUMENT).operations}["authorize"]
    assert authorize.parameters == ("cfo", "domainid", "noc", "remember", "token")
    assert authorize.statuses == ("200", "404")


def test_a_call_counts_its_names_and_status_never_its_values():
    log = new_log()
    log.record(
        "POST",
        f"{BASE}/4711/user/authorize/s3cr3t-token",
        {"Content-Type": FORM},
        b"noc=1&password=hunter22",
        404,
    )
    log.record("GET", f"{BASE}/4711/user/likes?limit=5", {}, None, 200)
    log.record("GET", f"{BASE}/4711/user/likes", {}, None, 500)
    summary = log.summary()
    rows = {row["operationId"]: row for row in summary["operations"]}
    assert rows["authorize"]["called"] == 1
    assert rows["authorize"]["parameters_sent"] == ["domainid", "noc", "token"]
    assert rows["likes"]["statuses_seen"] == {"200": 1, "500": 1}
    assert rows["likes"]["statuses_undeclared"] == ["500"]
    assert summary["totals"]["operations_called"] == 2
    assert "s3cr3t-token" not in str(summary) and "hunter22" not in str(summary)


def test_calls_outside_the_target_are_not_counted():
    log = new_log()
    log.record("GET", "http://127.0.0.1:9999/v3.1/4711/user/likes", {}, None, 200)
    assert log.summary()["totals"]["requests"] == 0


def test_calls_before_a_target_runs_are_not_counted():
    log = new_log(base_url=None)
    log.record("GET", f"{BASE}/4711/user/likes", {}, None, 200)
    assert log.summary()["totals"]["requests"] == 0


def test_worker_counts_merge_in_the_controller():
    first, second, controller = new_log(), new_log(), new_log()
    first.record("GET", f"{BASE}/4711/user/likes?start=0", {}, None, 200)
    second.record("GET", f"{BASE}/4711/user/likes?limit=1", {}, None, 401)
    for worker in (first, second):
        controller.merge(worker.as_data())
    likes = {r["operationId"]: r for r in controller.summary()["operations"]}["likes"]
    assert likes["called"] == 2
    assert likes["parameters_sent"] == ["domainid", "limit", "start"]
    assert likes["statuses_seen"] == {"200": 1, "401": 1}


def test_table_names_every_operation_and_the_totals():
    log = new_log()
    log.record("GET", f"{BASE}/4711/user/likes", {}, None, 418)
    lines = format_table(log.summary())
    assert any(line.startswith("likes") and "418!" in line for line in lines)
    assert any(line.startswith("authorize") for line in lines)
    assert lines[-1].startswith("operations called 1/2")


class Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_base_url():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/v3.1"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_recorder_sees_requests_and_httpx_calls_until_uninstalled(loopback_base_url):
    log = new_log(loopback_base_url)
    recorder = SendRecorder(log)
    recorder.install()
    try:
        requests.get(f"{loopback_base_url}/4711/user/likes?start=1", timeout=5)
        with httpx.Client() as client:
            client.get(f"{loopback_base_url}/4711/user/likes?limit=2")
    finally:
        recorder.uninstall()
    requests.get(f"{loopback_base_url}/4711/user/likes", timeout=5)
    likes = {r["operationId"]: r for r in log.summary()["operations"]}["likes"]
    assert likes["called"] == 2
    assert likes["parameters_sent"] == ["domainid", "limit", "start"]


def test_a_run_ends_with_one_summary_line():
    log = new_log()
    log.record("GET", f"{BASE}/4711/user/likes", {}, None, 200)
    log.record("GET", f"{BASE}/4711/user/likes", {}, None, 418)
    (line,) = terminal_lines(log.summary(), table=False)
    assert line == (
        "nexx contract coverage: operations called 1/2, parameters sent 1/8, "
        "statuses seen 1/4 (+1 undeclared), 2 requests (0 outside the contract)"
    )


def test_the_table_is_shown_only_when_asked_for():
    log = new_log()
    log.record("GET", f"{BASE}/4711/user/likes", {}, None, 200)
    lines = terminal_lines(log.summary(), table=True)
    assert len(lines) == 2 + 2 + 1  # header, rule, one row per operation, totals
    assert lines[-1].startswith("operations called 1/2")


@pytest.mark.parametrize("table", [pytest.param(False, id="line"), pytest.param(True, id="table")])
def test_a_run_without_requests_says_so_in_one_line(table):
    assert terminal_lines(new_log().summary(), table=table) == [
        "nexx contract coverage: no request reached a contract operation"
    ]
