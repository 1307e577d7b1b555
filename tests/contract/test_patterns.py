"""Every `pattern` of the contract is an ECMA-262 regular expression (JSON Schema's dialect,
`format: regex`), read with the `u` flag as the suite and the reference server read it
(nexx_patterns); and no `patternProperties`: schemathesis would match property names with
its own engine, not the contract's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contract_document import load_document, relative
from test_nexx_extensions import contract_files

import nexx_patterns

FIXTURES = Path(__file__).parent / "fixtures"
SUITE = Path(__file__).resolve().parents[1] / "data" / "json-schema-test-suite"
# Keywords whose values are instances, not schemas: a string there is no pattern.
DATA_KEYWORDS = ("enum", "const", "default", "example", "examples")


def patterns_in(node: Any, where: str = "") -> Iterator[tuple[str, str, str]]:
    """(where, keyword, value) of each `pattern` and `patternProperties` name; vendor
    extensions (x-nexx-guessed names `pattern` with a reason) and examples are data."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from patterns_in(item, f"{where}/{index}")
    elif isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield f"{where}/pattern", "pattern", node["pattern"]
        for name in node.get("patternProperties") or {}:
            yield f"{where}/patternProperties", "patternProperties", name
        for key, value in node.items():
            if not str(key).startswith("x-") and key not in DATA_KEYWORDS:
                yield from patterns_in(value, f"{where}/{key}")


def pattern_problems(file: Path) -> list[str]:
    problems = []
    for where, keyword, value in patterns_in(load_document(file)):
        if keyword == "patternProperties":
            problems.append(
                f"{relative(file)}#{where}: patternProperties {value!r}: name the properties "
                "(schemathesis matches property names with its own regex engine)"
            )
        elif not nexx_patterns.is_ecma_regex(value):
            problems.append(f"{relative(file)}#{where}: {value!r} is not an ECMA-262 pattern")
    return problems


@pytest.mark.parametrize("file", contract_files(), ids=lambda file: relative(file))
def test_every_pattern_is_an_ecma_262_regular_expression(file):
    problems = pattern_problems(file)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_lint_names_each_pattern_ecma_262_refuses():
    problems = "\n".join(pattern_problems(FIXTURES / "non-ecma-patterns.yaml"))
    for name in ("Flags", "EndOfString", "PosixClass", "ScriptWithoutName", "ByName"):
        assert f"/components/schemas/{name}/" in problems, problems
    assert "Fine" not in problems, problems


def format_regex_cases() -> list:
    (group,) = json.loads((SUITE / "format-regex.json").read_text(encoding="utf-8"))
    return [
        pytest.param(test["data"], test["valid"], id=test["description"]) for test in group["tests"]
    ]


@pytest.mark.parametrize("value, valid", format_regex_cases())
def test_the_lint_reads_patterns_as_format_regex_does(value, valid):
    # The JSON Schema Test Suite's format: regex cases (draft 2020-12).
    assert nexx_patterns.is_ecma_regex(value) is valid
