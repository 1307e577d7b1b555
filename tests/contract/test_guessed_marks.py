"""Every constraint the contract guessed is marked `x-nexx-guessed` with its reason.

The suite tells a response that breaks only guessed rules from one that breaks the page's
(nexx_conformance.guessed_rules), so a mark must name keywords its node really has, and
every closed object - the page lists no complete field set anywhere - must be marked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contract_document import CONTRACTS_DIR, load_document, relative

MARK = "x-nexx-guessed"
FILES = sorted([*CONTRACTS_DIR.glob("components/*.yaml"), *CONTRACTS_DIR.glob("paths/*.yaml")])


def nodes(node: Any, where: str) -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key not in ("example", "examples"):
                yield from nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from nodes(value, f"{where}/{index}")


def mark_problems(file: Path) -> list[str]:
    problems = []
    for where, node in nodes(load_document(file), relative(file) + "#"):
        mark = node.get(MARK)
        if node.get("additionalProperties") is False and not (
            isinstance(mark, dict) and mark.get("additionalProperties")
        ):
            problems.append(f"{where}: a closed object without {MARK}.additionalProperties")
        if mark is None:
            continue
        if not isinstance(mark, (str, dict)) or not mark:
            problems.append(f"{where}: {MARK} must be a reason or a mapping keyword -> reason")
            continue
        for keyword, reason in mark.items() if isinstance(mark, dict) else []:
            if keyword not in node:
                problems.append(f"{where}: {MARK} names '{keyword}', which the node does not have")
            if not isinstance(reason, str) or not reason.strip():
                problems.append(f"{where}: {MARK}.{keyword} gives no reason")
    return problems


@pytest.mark.parametrize("file", FILES, ids=lambda file: file.stem)
def test_every_guess_is_marked_with_a_reason(file):
    problems = mark_problems(file)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_guesses_the_review_named_are_marked():
    schemas = load_document(CONTRACTS_DIR / "components" / "schemas.yaml")
    parameters = load_document(CONTRACTS_DIR / "components" / "parameters.yaml")
    assert set(schemas["Username"][MARK]) == {"minLength", "maxLength", "pattern"}
    assert set(schemas["Password"][MARK]) == {"minLength", "maxLength", "pattern"}
    assert set(schemas["Gender"][MARK]) == {"enum"}
    assert "minLength" in parameters["MailToken"]["schema"][MARK]


def test_the_check_finds_an_unmarked_closed_object_and_a_wrong_keyword(tmp_path):
    file = tmp_path / "bad.yaml"
    file.write_text(
        "A:\n  type: object\n  additionalProperties: false\n"
        "B:\n  type: string\n  x-nexx-guessed: {pattern: no pattern here}\n"
    )
    problems = "\n".join(mark_problems(file))
    assert "A: a closed object without" in problems
    assert "names 'pattern', which the node does not have" in problems
