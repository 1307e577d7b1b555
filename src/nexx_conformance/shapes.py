"""The shape of a value an answer held, without the value: what a calibration may keep.

A guessed rule the target broke is relaxed in the least way that admits what was seen
(nexx_conformance.calibration). To know what was seen without keeping an answer's values,
the suite keeps shapes only:
  - every value: its JSON type;
  - a string: its length and its character classes (`0-9`, `A-Z`, `a-z`, `non-ASCII`, and
    each other ASCII character by itself: `+`, ` `, `-`, ...);
  - a number: how many digits its integer part has, and whether it is negative;
  - an array: how many items; an object: the names of its members that read as names
    (`loyaltyPoints`), and how many do not (a key that looks like data: `8f3a9c2e`, `1369342`);
  - for an enumeration or a constant only: the value itself when it is a word of a closed
    vocabulary (`diverse`, `needs-sms`, a small integer), never under a secret key, never
    anything that looks like an id, a token or a hash (`safe_word`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

from nexx_conformance.masking import SECRET_KEYS

DIGITS, UPPER, LOWER, NON_ASCII = "0-9", "A-Z", "a-z", "non-ASCII"
# A member name that reads as a name, not as data (a map's key: an id, a hash, a token).
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
# A word of a closed vocabulary, as an enumeration lists it.
WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_.+-]{0,31}$")
HEXLIKE = re.compile(r"^[0-9a-fA-F_-]{12,}$")
MAX_WORD_DIGITS = 3
MAX_WORD_INTEGER = 9999
CLASS_SPECIALS = "\\]^-["


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}.get(
        type(value), "unknown"
    )


def character_classes(text: str) -> list[str]:
    """The classes of the characters of `text`, sorted; a class per ASCII punctuation."""
    found = set()
    for char in text:
        if char.isascii() and char.isdigit():
            found.add(DIGITS)
        elif char in string.ascii_uppercase:
            found.add(UPPER)
        elif char in string.ascii_lowercase:
            found.add(LOWER)
        elif not char.isascii():
            found.add(NON_ASCII)
        else:
            found.add(char)
    return sorted(found)


def reads_as_name(name: str) -> bool:
    """True for a member name such as `loyaltyPoints`, false for one that looks like data."""
    return (
        NAME.fullmatch(name) is not None
        and sum(char.isdigit() for char in name) < 6
        and HEXLIKE.fullmatch(name) is None
    )


def safe_word(value: Any, key: str | None) -> str | int | bool | None:
    """`value` when a contract may list it as an enumeration member: a word of a closed
    vocabulary (or a small integer, a boolean), not under a secret key; else None (then
    the enumeration is relaxed without naming the value)."""
    if key is not None and key.lower() in SECRET_KEYS:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_WORD_INTEGER else None
    if not isinstance(value, str) or WORD.fullmatch(value) is None:
        return None
    if sum(char.isdigit() for char in value) > MAX_WORD_DIGITS or HEXLIKE.fullmatch(value):
        return None
    return value


def shape_of(value: Any, *, key: str | None = None, word: bool = False) -> dict[str, Any]:
    """What may be kept of `value`; `word`: also the value itself if it is a `safe_word`."""
    kind = json_type(value)
    shape: dict[str, Any] = {"type": kind}
    if isinstance(value, str):
        shape["length"] = len(value)
        shape["classes"] = character_classes(value)
    elif kind in ("integer", "number"):
        shape["digits"] = len(str(int(abs(value))))
        shape["negative"] = value < 0
    elif isinstance(value, list):
        shape["items"] = len(value)
    elif isinstance(value, dict):
        shape["names"] = sorted(name for name in value if reads_as_name(name))
        shape["unnamed"] = sum(1 for name in value if not reads_as_name(name))
    if word and value is not None:
        member = safe_word(value, key)
        if member is not None:
            shape["word"] = member
    return shape


def class_pattern(classes: Iterable[str]) -> str:
    """A regular expression character class admitting `classes` (ECMA 262 and Python alike)."""
    parts = []
    for item in sorted(set(classes)):
        if item in (DIGITS, UPPER, LOWER):
            parts.append(item)
        elif item == NON_ASCII:
            parts.append("\\u0080-\\uffff")
        else:
            # Escaped only where a class needs it: an escaped space or quote is no valid
            # ECMA 262 escape in Unicode mode.
            parts.append("\\" + item if item in CLASS_SPECIALS else item)
    return "[" + "".join(parts) + "]"


def widened_pattern(pattern: str, classes: Iterable[str], shortest: int, longest: int) -> str:
    """`pattern`, or a string of `shortest` to `longest` characters of `classes`."""
    length = f"{{{shortest}}}" if shortest == longest else f"{{{shortest},{longest}}}"
    return f"(?:{pattern})|^{class_pattern(classes)}{length}$"
