"""A required form body must not accept an empty form.

On the wire a missing form body and an empty form are the same request. If `{}` fits a
required body's schema, schemathesis may send it as valid data while the server must
refuse a missing body: the contract would contradict itself.
"""

from __future__ import annotations

import pytest
from contract_document import operations, request_body_of
from test_examples_match_schemas import inline_refs

import nexx_patterns

FORM = "application/x-www-form-urlencoded"
REQUIRED_BODIES = [
    operation
    for operation in operations()
    if (body := request_body_of(operation)) is not None and body[0].get("required")
]


def empty_form_fits(operation) -> bool:
    body, file = request_body_of(operation)
    schema = inline_refs(body["content"][FORM]["schema"], file)
    return nexx_patterns.validator(schema).is_valid({})


@pytest.mark.parametrize("operation", REQUIRED_BODIES, ids=lambda op: op.operation_id)
def test_required_body_rejects_an_empty_form(operation):
    assert not empty_form_fits(operation), (
        f"{operation.operation_id}: the body is required but {{}} fits its schema; "
        "require a field or add minProperties: 1"
    )
