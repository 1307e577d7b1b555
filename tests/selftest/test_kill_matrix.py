"""The kill matrix's summary and its renderings (nexx_conformance.kill_matrix)."""

from __future__ import annotations

from nexx_conformance.kill_matrix import (
    failure_title,
    render_markdown,
    render_page,
    render_table,
    summary,
)


def outcome(
    verdict: str, seconds: float | None = None, test: str | None = None, check: str | None = None
) -> dict:
    return {"outcome": verdict, "seconds": seconds, "test": test, "check": check}


MATRIX = {
    "columns": {"suite": {"command": "uv run tox -e faults", "wall_seconds": 600.0}},
    "runs": [
        {
            "name": "clean",
            "kind": "clean",
            "killer": "-",
            "suite": outcome("passed"),
            "cli": outcome("passed"),
        },
        {
            "name": "gzip",
            "kind": "benign",
            "killer": "conformance",
            "suite": outcome("passed"),
            "cli": outcome("false-alarm", 9.0, "POST /x", "<b>schema</b>"),
        },
        {
            "name": "paging-missing",
            "kind": "envelope",
            "killer": "conformance",
            "suite": outcome("killed", 4.0, "t::a", "InconsistentPaging"),
            "cli": outcome("killed", 20.0),
        },
        {
            "name": "user-without-email",
            "kind": "schema-drift",
            "killer": "conformance",
            "suite": outcome("killed", 8.0, "t::b", "ST108"),
            "cli": outcome("survived"),
        },
        {
            "name": "totp-replay-accepted",
            "kind": "tokens",
            "killer": "flow:2fa-app",
            "suite": outcome("survived"),
        },
    ],
}


def test_summary_counts_kills_false_alarms_and_the_median_time() -> None:
    suite = summary(MATRIX, "suite")
    assert (suite["killed"], suite["faults"], suite["survivors"]) == (
        2,
        3,
        ["totp-replay-accepted"],
    )
    assert suite["false_alarms"] == [] and suite["clean"] == "passed"
    assert suite["median_seconds_to_first_failure"] == 6.0


def test_summary_of_a_column_counts_only_the_runs_it_made() -> None:
    cli = summary(MATRIX, "cli")
    assert (cli["killed"], cli["faults"]) == (1, 2)
    assert cli["false_alarms"] == ["gzip"]


def test_the_table_names_every_run_and_escapes_what_it_quotes() -> None:
    table = render_table(MATRIX)
    assert all(run["name"] in table for run in MATRIX["runs"])
    assert "&lt;b&gt;schema&lt;/b&gt;" in table and "<b>schema</b>" not in table
    assert render_page(MATRIX).startswith("<!doctype html>")


def test_the_markdown_has_a_row_per_run_and_a_summary_per_column() -> None:
    lines = render_markdown(MATRIX).splitlines()
    assert sum(line.startswith("| `") for line in lines) == len(MATRIX["runs"])
    assert any(
        line.startswith("| suite, strict (pytest -x --guessed-rules=fail) | 2/3 (67%)")
        for line in lines
    )


def test_a_fault_the_default_column_only_warned_of_is_counted_and_shown() -> None:
    matrix = {
        "runs": [
            {
                "name": "created-as-200",
                "kind": "status",
                "killer": "conformance",
                "suite": {"outcome": "killed", "seconds": 3.0, "test": "t", "check": "c"},
                "suite-default": {
                    "outcome": "warned",
                    "seconds": None,
                    "warnings": 4,
                    "warned_rules": [
                        "register 200: register answers no status but those it documents"
                    ],
                },
            }
        ]
    }
    assert summary(matrix, "suite-default")["warned_only"] == ["created-as-200"]
    assert 'class="warn"' in render_table(matrix)
    assert "4 guessed-rule warnings" in render_table(matrix)


def test_the_first_failure_reads_as_its_check_or_assertion_message():
    report = "Schemathesis found 2 failures\n\n- Response violates schema\n\n- Undocumented status code\n"
    assert failure_title(report) == "Response violates schema; Undocumented status code"
    assert failure_title("Failed: ... title='Envelope status differs' ...") == (
        "Envelope status differs"
    )
    # pytest's assertion diff ("-     False,") is not a schemathesis title: the message is.
    diff = (
        "AssertionError: isPublished without autoPublish: True, True, True\n"
        "assert (True, True, True) == (False, False, True)\n"
        "  Full diff:\n    (\n-     False,\n-     False,\n"
    )
    assert (
        failure_title(diff) == "AssertionError: isPublished without autoPublish: True, True, True"
    )
