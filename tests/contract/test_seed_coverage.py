"""Every operation and every documented parameter of the seed page is in the contract.

An operation is found by `x-seed-operation` (its name on the page, e.g. "/register"); a
parameter by name, or by `x-seed-parameter` where the contract renames it, among the
operation's parameters (any location) and its request body properties.
"""

from __future__ import annotations

import pytest
from contract_document import (
    CONTRACT_PATH,
    Operation,
    operations,
    parameters_of,
    request_body_properties,
    seed_inventory,
    unresolved_path_items,
)

_ABSENT = object()


def _names(node: dict) -> set:
    """The names a parameter or property answers to: its own and its seed name."""
    seed_name = node.get("x-seed-parameter", _ABSENT)
    return {node.get("name", _ABSENT), seed_name} - {_ABSENT}


def contract_operation_for(seed_operation: dict) -> Operation | str:
    """The contract operation for a seed operation, or why there is none."""
    matches = [op for op in operations() if op.seed_name == seed_operation["name"]]
    if len(matches) == 1:
        return matches[0]
    if matches:
        return f"{len(matches)} operations claim it: " + ", ".join(op.title for op in matches)
    unresolved = unresolved_path_items()
    hint = (
        f" ({len(unresolved)} path items could not be read, e.g. {unresolved[0]})"
        if unresolved
        else ""
    )
    return (
        f"no operation has x-seed-operation: {seed_operation['name']!r} "
        f"(seed: {seed_operation['method']} {seed_operation['path']}){hint}"
    )


def missing_parameters(seed_operation: dict, operation: Operation) -> list[str]:
    known: set = set()
    for parameter, _ in parameters_of(operation):
        known |= _names(parameter)
    for name, (schema, _) in request_body_properties(operation).items():
        known |= {name} | _names({"x-seed-parameter": schema.get("x-seed-parameter", _ABSENT)})
    return [
        f"{param['name'] or '(unnamed)'} ({param['in']} {param['type']})"
        for param in seed_operation["params"]
        if param["name"] not in known
    ]


def coverage_problems(seed_operation: dict) -> list[str]:
    found = contract_operation_for(seed_operation)
    if isinstance(found, str):
        return [found]
    missing = missing_parameters(seed_operation, found)
    return [f"{found.title} lacks seed parameter {entry}" for entry in missing]


@pytest.mark.parametrize(
    "seed_operation", seed_inventory(), ids=lambda seed_operation: seed_operation["name"].strip("/")
)
def test_seed_operation_and_its_parameters_are_in_the_contract(seed_operation):
    problems = coverage_problems(seed_operation)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_contract_covers_all_seed_operations_and_parameters(report_seed_coverage):
    inventory = seed_inventory()
    total_parameters = sum(len(seed_operation["params"]) for seed_operation in inventory)
    found_operations = found_parameters = 0
    for seed_operation in inventory:
        found = contract_operation_for(seed_operation)
        if isinstance(found, Operation):
            found_operations += 1
            missing = missing_parameters(seed_operation, found)
            found_parameters += len(seed_operation["params"]) - len(missing)
    line = (
        f"operations {found_operations}/{len(inventory)}, "
        f"parameters {found_parameters}/{total_parameters}"
    )
    report_seed_coverage(line)
    if (found_operations, found_parameters) != (len(inventory), total_parameters):
        pytest.fail(
            f"seed coverage: {line} (the per-operation tests name what is missing)", pytrace=False
        )


def test_coverage_names_the_seed_parameters_an_operation_lacks():
    node = {
        "parameters": [{"name": "streamtype", "in": "query"}],
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"properties": {"email": {"type": "string", "x-seed-parameter": ""}}}
                }
            }
        },
    }
    operation = Operation("post", "/{domainid}/user/example", node, CONTRACT_PATH, {})
    seed_operation = {
        "params": [
            {"name": "streamtype", "in": "query", "type": "string"},
            {"name": "", "in": "body", "type": "string"},
            {"name": "forUserStory", "in": "body", "type": "boolean"},
        ]
    }
    assert missing_parameters(seed_operation, operation) == ["forUserStory (body boolean)"]
