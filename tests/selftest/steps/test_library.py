"""The step library as a whole: one name per step across the areas, every step described,
and the table in docs/writing-scenarios.md generated from the code."""

from __future__ import annotations

from pathlib import Path

from nexx_conformance.steps import Steps, StepsBase
from nexx_conformance.steps.__main__ import areas, markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "writing-scenarios.md"


def area_mixins() -> list[type]:
    return [
        mixin
        for mixin in Steps.__mro__[1:]
        if isinstance(mixin, type) and issubclass(mixin, StepsBase) and mixin is not StepsBase
    ]


def test_no_two_areas_define_the_same_step():
    # Steps joins the areas by inheritance: a second definition would silently shadow the
    # first, and one area's scenarios would call the other area's step.
    owners: dict[str, list[str]] = {}
    for mixin in [StepsBase, *area_mixins()]:
        for name in vars(mixin):
            if not name.startswith("_"):
                owners.setdefault(name, []).append(mixin.__name__)
    shadowed = {name: where for name, where in owners.items() if len(where) > 1}
    assert not shadowed, f"steps defined in more than one area: {shadowed}"


def test_every_step_says_what_it_does():
    undescribed = [
        f"{area}.{signature}"
        for area, rows in areas()
        for signature, summary in rows
        if not summary
    ]
    assert not undescribed, f"steps without a docstring: {undescribed}"


def test_the_documented_table_is_the_generated_one():
    assert markdown() in DOC.read_text(encoding="utf-8"), (
        "docs/writing-scenarios.md is out of date: paste the output of "
        "`uv run python -m nexx_conformance.steps --markdown` into its step table"
    )
