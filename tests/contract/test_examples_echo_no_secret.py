"""No response example echoes a secret the contract says is never echoed.

A secret is a value whose schema is `writeOnly` (passwords, device codes, mailed tokens,
connector tokens): the client sends it, no answer carries it back, not even the path in
`metadata.calledwith`, where a secret path parameter reads as `{name}`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from contract_document import (
    Operation,
    operations_or_fail,
    parameters_of,
    path_items,
    request_body_of,
    resolve,
    schema_properties,
)
from test_examples_match_schemas import examples_of

MIN_SECRET_LENGTH = 6  # shorter example values ("0", "web") would match by chance


def is_secret(schema: Any, file: Path) -> bool:
    schema, file = resolve(schema, file)
    if not isinstance(schema, dict):
        return False
    if schema.get("writeOnly") is True:
        return True
    return any(
        is_secret(member, file)
        for keyword in ("allOf", "anyOf", "oneOf")
        for member in schema.get(keyword, [])
    )


def secret_path_parameters(operation: Operation) -> list[tuple[str, list[Any]]]:
    """(name, example values) of the operation's secret path parameters."""
    found = []
    for parameter, file in parameters_of(operation):
        if parameter.get("in") == "path" and is_secret(parameter.get("schema"), file):
            found.append((parameter["name"], [value for _, value in examples_of(parameter, file)]))
    return found


def secret_values(operation: Operation) -> set[str]:
    """Every example value the operation's requests give a secret parameter or field."""
    values = {str(value) for _, examples in secret_path_parameters(operation) for value in examples}
    for parameter, file in parameters_of(operation):
        if parameter.get("in") != "path" and is_secret(parameter.get("schema"), file):
            values.update(str(value) for _, value in examples_of(parameter, file))
    body = request_body_of(operation)
    if body is not None:
        node, file = body
        for media in (node.get("content") or {}).values():
            secret_fields = {
                name
                for name, (schema, at) in schema_properties(media.get("schema"), file).items()
                if is_secret(schema, at)
            }
            for _, example in examples_of(media, file):
                if isinstance(example, dict):
                    values.update(str(example[name]) for name in secret_fields if name in example)
    return {value for value in values if len(value) >= MIN_SECRET_LENGTH}


def response_examples(operation: Operation):
    for status, response in (operation.node.get("responses") or {}).items():
        response, file = resolve(response, operation.file)
        for media in (response.get("content") or {}).values():
            for name, value in examples_of(media, file):
                yield f"response {status} {name}", value


def echo_problems(operation: Operation) -> list[str]:
    problems = []
    secrets = secret_values(operation)
    hidden = [name for name, _ in secret_path_parameters(operation)]
    for where, example in response_examples(operation):
        text = json.dumps(example)
        problems += [
            f"{operation.title} {where} echoes the secret example value {value!r}"
            for value in sorted(secrets)
            if value in text
        ]
        calledwith = (
            (example.get("metadata") or {}).get("calledwith", "")
            if isinstance(example, dict)
            else ""
        )
        # Shared error examples call a placeholder path (/4711/user/example): only an
        # example of this operation's own path shows how its secret is echoed.
        own_path = f"/{operation.operation_id}/" in calledwith
        problems += [
            f"{operation.title} {where}: metadata.calledwith {calledwith!r} must show the "
            f"secret path parameter as {{{name}}}"
            for name in hidden
            if own_path and f"{{{name}}}" not in calledwith
        ]
    return problems


@pytest.mark.parametrize("item", path_items(), ids=lambda item: item.id)
def test_no_response_example_echoes_a_secret(item):
    problems = [
        problem for operation in operations_or_fail(item) for problem in echo_problems(operation)
    ]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_check_finds_an_echoed_token():
    fixture = Path(__file__).parent / "fixtures" / "echoing-examples.yaml"
    item, _ = resolve({"$ref": fixture.name}, fixture)
    operation = Operation("post", "/{domainid}/user/authorize/{token}", item["post"], fixture, item)
    problems = "\n".join(echo_problems(operation))
    assert "echoes the secret example value 'q3N8b1ZkT0x2cFhLd1JtYWJjZGVm'" in problems, problems
    assert "echoes the secret example value 'correct-horse-7'" in problems, problems
    assert "must show the secret path parameter as {token}" in problems, problems


def test_mail_and_connector_tokens_and_passwords_are_secrets():
    by_id = {
        operation.operation_id: operation for item in path_items() for operation in item.operations
    }
    for operation_id in ("authorize", "resetpassword", "verifytokenunique"):
        assert secret_path_parameters(by_id[operation_id]), (
            f"{operation_id}: its token is not writeOnly"
        )
    for operation_id, value in (
        ("login", "correct-horse-7"),
        ("verifypassword", "correct-horse-7"),
    ):
        assert value in secret_values(by_id[operation_id]), (
            f"{operation_id}: its password is not writeOnly"
        )
