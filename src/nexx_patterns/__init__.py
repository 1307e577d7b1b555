"""The contract's regular expressions, read as the contract means them: ECMA-262.

JSON Schema `pattern` (and `patternProperties`, `format: regex`) is an ECMA-262 regular
expression, with Unicode semantics (the `u` flag, as JSON Schema 2020-12 asks). Python's
`re` reads the same text otherwise: `\\S` refuses U+001C to U+001F (Python counts them as
whitespace), `\\d` and `\\w` take any Unicode digit or letter, `$` matches before a final
newline. The Rust engine schemathesis validates with does too, in fewer places: its `.`
takes U+000D, U+2028 and U+2029, its `\\b` sees non-ASCII letters. Every place that
evaluates a contract pattern (the suite's checks, its generation filter, the reference
server's input checks, the contract's own tests) goes through this module, which reads
them with `regress`, the Rust ECMA-262 engine: one dialect, one place.

A package of its own, beside `nexx_reference` and `nexx_conformance`, because both need it
and neither may import the other (ARCHITECTURE.md); it imports only regress and jsonschema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

import regress
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

# Unicode semantics: `\p{Letter}`, code points beyond the BMP as one character; `\d`, `\w`
# and `\b` stay ASCII, as ECMA-262 defines them in either mode.
FLAGS = "u"


class PatternError(ValueError):
    """A pattern that is not a valid ECMA-262 regular expression."""


# Every UTF-16 surrogate to U+FFFD (str.translate).
LONE_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")


# Bounded: `format: regex` compiles whatever string a body holds there.
@lru_cache(maxsize=4096)
def compiled(pattern: str) -> regress.Regex:
    """The pattern compiled by the ECMA-262 engine; PatternError when it is not one."""
    try:
        return regress.Regex(pattern, flags=FLAGS)
    except regress.RegressError as error:
        raise PatternError(f"{pattern!r} is not an ECMA-262 regular expression: {error}") from None


def search(pattern: str, text: str) -> bool:
    """True when the pattern matches somewhere in text (a JSON Schema pattern is not anchored)."""
    regex = compiled(pattern)
    try:
        return regex.find(text) is not None
    except UnicodeEncodeError:
        # The engine reads UTF-8, which has no lone surrogate (JSON and Python strings may
        # hold one): U+FFFD stands in for it, another character no class but `.` and `\S`
        # and their like contains.
        return regex.find(text.translate(LONE_SURROGATES)) is not None


def is_ecma_regex(value: object) -> bool:
    """`format: regex`: a string that is an ECMA-262 regular expression (others pass)."""
    if not isinstance(value, str):
        return True
    try:
        compiled(value)
    except PatternError:
        return False
    return True


def format_checker(base: FormatChecker | None = None) -> FormatChecker:
    """The formats of `base` (none when not given), with `regex` read as ECMA-262."""
    checker = FormatChecker(formats=())
    checker.checkers = {
        **(base.checkers if base is not None else {}),
        "regex": (is_ecma_regex, ()),
    }
    return checker


# --- python-jsonschema: the keywords that read a regular expression -----------------------


def _pattern(validator, pattern, instance, schema) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if search(pattern, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


def _additional(instance: dict, schema: dict) -> list[str]:
    named = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [
        name
        for name in instance
        if name not in named and not any(search(pattern, name) for pattern in patterns)
    ]


def _additional_properties(validator, additional, instance, schema) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    extras = _additional(instance, schema)
    if validator.is_type(additional, "object"):
        for name in extras:
            yield from validator.descend(instance[name], additional, path=name)
    elif not additional and extras:
        listed = ", ".join(repr(name) for name in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")


# `unevaluatedProperties` still finds the names `patternProperties` claims with `re`; the
# contract lint (tests/contract/test_patterns.py) keeps `patternProperties` out of the contract.
ECMA_KEYWORDS = {
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
}


@cache
def validator_class(base: type = Draft202012Validator) -> type:
    """`base` (a python-jsonschema validator class) reading every regex as ECMA-262."""
    return validators.extend(base, ECMA_KEYWORDS)


def validator(
    schema: Any,
    *,
    formats: FormatChecker | None = None,
    base: type = Draft202012Validator,
    **kwargs,
):
    """A python-jsonschema validator of `schema` reading every regex as ECMA-262: `pattern`,
    `patternProperties` and `format: regex` (besides the other formats `formats` checks).
    Further keyword arguments (`registry`, ...) go to the validator class."""
    return validator_class(base)(schema, format_checker=format_checker(formats), **kwargs)


# --- jsonschema_rs (schemathesis' validator): a custom `pattern` keyword -------------------


class PatternKeyword:
    """`pattern` for jsonschema_rs' `keywords=` (a custom keyword replaces the built-in one
    wherever the schema, or a schema it refers to, names it): ECMA-262 by the same engine."""

    def __init__(self, parent_schema: dict[str, Any], value: Any, schema_path: list) -> None:
        self.pattern = value

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, str):
            return
        try:
            matched = search(self.pattern, instance)
        except PatternError as error:
            # Refused loudly on every value rather than raised where schemathesis builds its
            # validators; the contract lint refuses such a pattern before any run.
            raise ValueError(str(error)) from None
        if not matched:
            # jsonschema_rs' own wording, so reports read the same with or without us.
            raise ValueError(f"{json.dumps(instance)} does not match {json.dumps(self.pattern)}")


RS_KEYWORDS = {"pattern": PatternKeyword}
RS_FORMATS = {"regex": is_ecma_regex}
