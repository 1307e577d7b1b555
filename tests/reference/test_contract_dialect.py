"""The reference server reads a contract `pattern` as the contract means it: ECMA-262.

Over HTTP where the contract has such a pattern (a playlist title `\\S`, the password
policy's `.`), and through the server's input check (`validation.validate_request`) for the
cases the contract does not spell today: `\\d`, `\\w`, `$` before a newline, and the JSON
Schema Test Suite's `ecmascript-regex` cases (tests/data/json-schema-test-suite).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nexx_conformance.client import NexxClient
from nexx_conformance.status import BAD_REQUEST, CREATED
from nexx_reference.contract import Operation, Parameter
from nexx_reference.validation import InputError, validate_request

from .conftest import Account, new_account

SUITE = Path(__file__).resolve().parents[1] / "data" / "json-schema-test-suite"

# (pattern, value, whether ECMA-262 finds a match); Python's `re` says the opposite of each.
DIALECT = [
    pytest.param(r"\S", "\x1f", True, id="S-takes-the-unit-separator-U+001F"),
    pytest.param(r"^\d+$", "\u0663", False, id="d-refuses-the-arabic-indic-digit-three"),
    pytest.param(r"^\w+$", "\u00e9", False, id="w-refuses-e-acute"),
    pytest.param(r"^abc$", "abc\n", False, id="dollar-refuses-a-trailing-newline"),
    pytest.param(r"^a.b$", "a\rb", False, id="dot-refuses-a-carriage-return"),
]


def suite_cases(name: str) -> list:
    """(schema, data, valid) of every test in a file of the JSON Schema Test Suite."""
    groups = json.loads((SUITE / name).read_text(encoding="utf-8"))
    return [
        pytest.param(
            group["schema"],
            test["data"],
            test["valid"],
            id=f"{group['description']}: {test['description']}",
        )
        for group in groups
        for test in group["tests"]
    ]


def accepted(schema: dict, data) -> bool:
    """Whether the server's input check takes `data`: a string as a query parameter held
    to `schema`, an object as the form body held to it."""
    if isinstance(data, dict):
        operation = Operation("check", "POST", "/{domainid}/check/it", "none", body_schema=schema)
    else:
        parameter = Parameter("value", "query", True, schema)
        operation = Operation(
            "check", "GET", "/{domainid}/check/it", "none", (), False, (parameter,)
        )
        data = {"value": data}
    try:
        validate_request(operation, {}, data)
    except InputError:
        return False
    return True


@pytest.mark.parametrize("pattern, value, matches", DIALECT)
def test_the_input_check_reads_patterns_as_ecma_262(pattern, value, matches):
    assert accepted({"type": "string", "pattern": pattern}, value) is matches


@pytest.mark.parametrize("schema, data, valid", suite_cases("ecmascript-regex.json"))
def test_the_input_check_passes_the_ecmascript_regex_suite(schema, data, valid):
    assert accepted(schema, data) is valid


def test_a_playlist_title_of_a_unit_separator_is_a_title(logged_in_user: Account) -> None:
    # Found by the schemathesis CLI at --seed 1: `\S` matches U+001F in ECMA-262; Python's
    # `re` counts U+001C to U+001F as whitespace and refused it.
    answer = logged_in_user.session.post("user/addplaylist", title="\x1f")
    assert answer.status == CREATED, answer.describe()


def test_a_password_whose_digits_follow_a_carriage_return_is_refused(api: NexxClient) -> None:
    # The policy [A-Za-z].*[0-9]|[0-9].*[A-Za-z]: ECMA-262's `.` stops at U+000D, so no
    # letter reaches a digit; Python's `re` (and schemathesis' engine) let it through.
    fields = {**new_account(), "password": "abcdefgh\r12345678"}
    answer = api.init().post("user/register", **fields)
    assert answer.status == BAD_REQUEST
    assert answer.errorhint.startswith("parameter 'password' must match the pattern")
