"""How a guessed schema keyword is relaxed: the least change that admits what answers
showed, from their shapes alone (nexx_conformance.shapes), for the calibration overlay
(nexx_conformance.calibration).

- a pattern: also strings of the lengths and character classes seen;
- a length or an item count: widened to what was seen;
- a bound: widened by order of magnitude (never to the value itself);
- a type: the types seen added;
- an enumeration: the values seen added when each is a word of a closed vocabulary, else
  the enumeration goes; a constant becomes an enumeration of it and the words seen;
- a required member: no longer required;
- anything else (a format, uniqueItems, multipleOf, ...): removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nexx_conformance.shapes import widened_pattern

LENGTHS = {"minLength": min, "maxLength": max}
COUNTS = {"minItems": min, "maxItems": max}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


@dataclass
class Observed:
    """What answers showed of one finding, summed over answers and operations."""

    count: int = 0
    operations: Counter = field(default_factory=Counter)
    paths: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    shortest: int | None = None
    longest: int | None = None
    classes: set[str] = field(default_factory=set)
    digits: int = 0
    negative: bool = False
    fewest: int | None = None
    most: int | None = None
    words: list[Any] = field(default_factory=list)
    unsafe: bool = False  # a value no enumeration may name
    names: set[str] = field(default_factory=set)
    unnamed: int = 0
    request: bool = False

    def add(self, operation: str, at: str, shape: dict[str, Any], word: bool) -> None:
        self.count += 1
        self.operations[operation] += 1
        self.paths.add(at)
        kind = shape.get("type", "unknown")
        self.types.add(kind)
        if "length" in shape:
            self.shortest = least(self.shortest, shape["length"])
            self.longest = max(self.longest or 0, shape["length"])
            self.classes.update(shape.get("classes", ()))
        if "digits" in shape:
            self.digits = max(self.digits, shape["digits"])
            self.negative = self.negative or shape.get("negative", False)
        if "items" in shape:
            self.fewest = least(self.fewest, shape["items"])
            self.most = max(self.most or 0, shape["items"])
        self.names.update(shape.get("names", ()))
        self.unnamed += shape.get("unnamed", 0)
        if word:
            if "word" in shape or kind == "null":
                value = shape.get("word")
                if value not in self.words:
                    self.words.append(value)
            else:
                self.unsafe = True


def least(current: int | None, new: int) -> int:
    return new if current is None else min(current, new)


def relaxation(
    keyword: str, node: dict[str, Any], observed: Observed, member: str | None
) -> tuple[str, Any, bool, str]:
    """(what changes, the update or None, whether the keyword goes, the keyword graded)."""
    old = node.get(keyword)
    if keyword == "pattern" and observed.longest is not None:
        new = widened_pattern(old, observed.classes, observed.shortest or 0, observed.longest)
        return (
            (
                f"pattern widened to admit strings of {observed.shortest} to {observed.longest} "
                f"characters of {classes_text(observed.classes)}"
            ),
            {"pattern": new},
            False,
            "pattern",
        )
    if keyword in LENGTHS and observed.longest is not None:
        new = LENGTHS[keyword](
            old, observed.shortest if keyword == "minLength" else observed.longest
        )
        return f"{keyword} {old} -> {new}", {keyword: new}, False, keyword
    if keyword in COUNTS and observed.most is not None:
        new = COUNTS[keyword](old, observed.fewest if keyword == "minItems" else observed.most)
        return f"{keyword} {old} -> {new}", {keyword: new}, False, keyword
    if keyword in BOUNDS and observed.digits:
        new = bound(keyword, observed)
        return (
            f"{keyword} {old} -> {new} (by order of magnitude)",
            {keyword: new},
            False,
            keyword,
        )
    if keyword == "type":
        before = [old] if isinstance(old, str) else list(old)
        added = sorted(observed.types - set(before))
        if "integer" in added and "number" in before:
            added.remove("integer")
        new = before + added
        update = {"type": added} if isinstance(old, list) else {"type": new}
        return f"type {old} -> {new}", update, False, "type"
    if keyword in ("enum", "const") and not observed.unsafe and observed.words:
        listed = list(old) if keyword == "enum" else [old]
        added = [word for word in observed.words if word not in listed]
        if keyword == "enum":
            return f"enumeration gains {added}", {"enum": added}, False, "enum"
        return (
            f"const {old!r} becomes enum {listed + added}",
            {"enum": listed + added},
            True,
            "enum",
        )
    if keyword in ("enum", "const"):
        return (
            f"{keyword} removed: a value seen is no word a contract may list",
            None,
            True,
            keyword,
        )
    if keyword == "required":
        return f"{member} made optional (required no longer lists it)", None, True, keyword
    return f"{keyword} removed: no narrower form admits what was seen", None, True, keyword


def classes_text(classes: Iterable[str]) -> str:
    return ", ".join("space" if item == " " else repr(item) for item in sorted(classes))


def bound(keyword: str, observed: Observed) -> int:
    """A bound by order of magnitude that admits what was seen (never the value itself)."""
    reach = 10**observed.digits
    if keyword in ("maximum", "exclusiveMaximum"):
        return reach - (1 if keyword == "maximum" else 0)
    if not observed.negative:
        return 0 if keyword == "minimum" else -1
    return -(reach - (1 if keyword == "minimum" else 0))
