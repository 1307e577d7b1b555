"""A scan of recorded cassettes for anything scrubbing should have removed.

    uv run python -m nexx_conformance.recording.secret_scan cassettes/

Scrubbing (recording/scrubbing.py) runs before vcrpy writes; this scan is the independent check that
nothing slipped through: it reads the stored text, not the scrubber's intentions.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from nexx_conformance.constants import MASK, SECRET_FIELDS
from nexx_conformance.masking import is_placeholder, is_shaped_placeholder

MASKED = {MASK, "%2A%2A%2A"}
FIELDS = "|".join(SECRET_FIELDS)

RULES: dict[str, re.Pattern[str]] = {
    "signature header": re.compile(
        r"X-Request-(?:Token|CID):\s*\n\s*- '?([^'\n]+)'?", re.IGNORECASE
    ),
    # Only whole field names: fuzzed names such as `--domain-secret=` are not our fields.
    "secret form field": re.compile(
        rf"(?:^|(?<=[&?\s'\"]))(?:{FIELDS})=([^&\s'\"]+)", re.IGNORECASE | re.MULTILINE
    ),
    "secret JSON value": re.compile(rf"\"(?:{FIELDS}|cid)\":\s*\"([^\"]*)\"", re.IGNORECASE),
    "TOTP secret in otpauth URI": re.compile(r"otpauth://[^\s\"']*?[?&]secret=([^&\s\"']+)"),
    "upload URL signature": re.compile(r"[?&]sig=([^&\s\"']+)"),
    "mailed token in a path": re.compile(r"/(?:authorize|resetpassword)/([^/?#\s\"'&<>]+)"),
    "password hash": re.compile(
        r"(\$argon2(?:id|i|d)\$[^\s\"']+|\$2[aby]\$\d\d\$[./A-Za-z0-9]{20,})"
    ),
}


# What vcrpy writes (json is ours, yaml its default): a cassette in either is scanned.
CASSETTE_SUFFIXES = (".json", ".yaml")


def findings(text: str) -> Iterator[tuple[str, str]]:
    """(rule, value) for every secret-looking value that is not a mask or placeholder
    (`***password-1***`, `***cid-2***`, `scrubbed-session-2`: the scrubber's per-value
    placeholders are masks too)."""
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            value = match.group(1)
            if rule == "password hash" or not masked(value):
                yield rule, value


def masked(value: str) -> bool:
    return value in MASKED or is_placeholder(value) or is_shaped_placeholder(value)


def stored_text(path: Path) -> str:
    """The cassette's text as the rules read it. A JSON cassette is decoded first: inside
    it a body is one escaped string (a quote is \\"), and its headers are lists; they are
    written out one per line in the YAML form the header rule reads."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".json":
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return text  # not vcrpy's JSON: read as it is
    return "\n".join(leaves(data))


def leaves(value, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from leaves(inner, name)
    elif isinstance(value, list):
        for inner in value:
            if isinstance(inner, str) and key:
                yield f"{key}:\n- '{inner}'"  # a header's values
            else:
                yield from leaves(inner, key)
    elif isinstance(value, str):
        yield value


def scan(folder: Path) -> list[str]:
    """One line per finding: file, rule and the first characters of the value."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix in CASSETTE_SUFFIXES):
        for rule, value in findings(stored_text(path)):
            lines.append(f"{path}: {rule}: {value[:4]}... ({len(value)} characters)")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "cassettes")
    found = scan(folder)
    print("\n".join(found) or f"no secret in {folder}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
