"""Which patterns hold which request values, and the case filter built on it
(nexx_conformance.request_patterns, schemathesis_auth.keeps_its_meaning)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nexx_conformance.request_patterns import patterns_of, read_alike
from nexx_conformance.schemathesis_auth import keeps_its_meaning

PASSWORD_POLICY = "[A-Za-z].*[0-9]|[0-9].*[A-Za-z]"


def register_case(**body) -> SimpleNamespace:
    """A drawn case of POST /user/register, as schemathesis hands it to a filter."""
    return SimpleNamespace(
        method="POST",
        operation=SimpleNamespace(path="/{domainid}/user/register"),
        path_parameters={"domainid": 4711},
        query={},
        headers={},
        cookies={},
        body=body,
        meta=None,
    )


def test_the_table_names_the_patterns_of_body_fields_and_parameters():
    register = patterns_of("POST", "/{domainid}/user/register")
    assert register[("body", "password")] == (PASSWORD_POLICY,)
    assert register[("body", "username")] == ("^[A-Za-z0-9_.-]+$",)
    assert patterns_of("GET", "/{domainid}/media/byquery/{query}")[("path", "query")] == (r"\S",)


@pytest.mark.parametrize(
    "password, kept",
    [
        pytest.param("abcdefgh12345678", True, id="plain-password-kept"),
        pytest.param("abcdefgh\r12345678", False, id="carriage-return-password-dropped"),
        pytest.param(["abc\u2028123", "x"], False, id="repeated-field-dropped"),
    ],
)
def test_a_case_the_generator_reads_otherwise_is_dropped(password, kept):
    case = register_case(username="someone", password=password)
    assert read_alike(case) is kept
    assert keeps_its_meaning(None, case) is kept


def test_a_body_that_is_not_a_form_is_left_to_the_other_checks():
    case = register_case()
    case.body = "password=abc%0D123"  # a negative case's raw body: nothing to map
    assert read_alike(case)
