"""The step library as a whole: one name per step across the areas, every step described
by a whole sentence and its types, and the tables in docs/writing-scenarios.md generated
from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexx_conformance.steps import Steps, StepsBase
from nexx_conformance.steps.__main__ import areas, first_sentence, markdown, plain_text, rows

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


def test_every_step_says_what_it_returns_and_ends_its_sentence():
    for row in rows():
        assert row.returns, f"{row.area}.{row.call}: no return annotation"
        assert row.summary.endswith((".", "?", "!")), f"{row.area}.{row.call}: {row.summary!r}"


def test_the_listing_shows_types_and_whole_sentences():
    listing = plain_text()
    assert "  unregister(session: Session, user: User) -> ApiResponse\n" in listing
    assert "  logged_in_on_new_device(user: User) -> Session\n" in listing
    assert (
        "Send POST /user/register for `user`; asserts nothing (the caller expects a refusal), "
        "but a user the target created all the same is tracked for the cleanup." in listing
    )
    assert "  Login: The answer to a login and the session it was sent on" in listing


@pytest.mark.parametrize(
    "doc, sentence",
    [
        pytest.param("One line.", "One line.", id="one-line"),
        pytest.param("Runs on\n    two lines. Then more.", "Runs on two lines.", id="joined-lines"),
        pytest.param("Items (e.g. a video) found. More.", "Items (e.g. a video) found.", id="e-g"),
        pytest.param(
            "With details (firstname, ...). More.", "With details (firstname, ...).", id="dots"
        ),
        pytest.param("No full stop\n\nSecond paragraph.", "No full stop", id="paragraph-end"),
    ],
)
def test_first_sentence(doc, sentence):
    assert first_sentence(doc) == sentence


def test_the_documented_table_is_the_generated_one():
    assert markdown() in DOC.read_text(encoding="utf-8"), (
        "docs/writing-scenarios.md is out of date: paste the output of "
        "`uv run python -m nexx_conformance.steps --markdown` into its step table"
    )
