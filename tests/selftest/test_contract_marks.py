"""The contract's x-nexx marks, as the suite reads them: one reader, one default."""

from __future__ import annotations

import pytest
import schemathesis

from nexx_conformance import contract_marks as marks

DOMAIN = {"name": "domainid", "in": "path", "required": True, "schema": {"type": "integer"}}


def operation(**extensions) -> dict:
    return {
        "operationId": "profile",
        "parameters": [DOMAIN],
        "responses": {"200": {"description": "ok"}},
        **extensions,
    }


def loaded(**extensions):
    schema = schemathesis.openapi.from_dict(
        {
            "openapi": "3.1.0",
            "info": {"title": "marks", "version": "1"},
            "paths": {"/{domainid}/user/profile": {"get": operation(**extensions)}},
        }
    )
    return schema["/{domainid}/user/profile"]["GET"]


@pytest.mark.parametrize(
    "extensions, kind",
    [
        pytest.param({"x-nexx-session": "user"}, "user", id="marked-user"),
        pytest.param(
            {"x-nexx-session": "pending-login"}, "pending-login", id="marked-pending-login"
        ),
        pytest.param({}, "anonymous", id="unmarked-is-anonymous"),
    ],
)
def test_session_kind(extensions, kind):
    assert marks.session_kind(loaded(**extensions)) == kind
    assert kind in marks.SESSION_KINDS


def test_destructive_side_effects_and_id():
    marked = loaded(**{"x-nexx-destructive": True, "x-nexx-side-effects": ["mail", "sms"]})
    assert marks.is_destructive(marked) and marks.side_effects(marked) == ["mail", "sms"]
    assert marks.operation_id(marked) == "profile"
    plain = loaded()
    assert not marks.is_destructive(plain) and marks.side_effects(plain) == []
