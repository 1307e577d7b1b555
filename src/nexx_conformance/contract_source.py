"""Applying a calibration overlay to the contract's source files (scripts/calibrate-contract).

The overlay's targets are JSONPaths over the bundled view (contracts/bundled/); the source
files are the contract module's to find (nexx_conformance.contract.SourceFiles: each target
walked from the root document through its `$ref`s to the file and the place that hold it, a
`$ref` in an update rewritten relative to that file). Each action is then applied there by oas-patch (`apply_overlay`, the Overlay
library from PyPI), files read and written with ruamel.yaml's round trip, so comments,
order and quoting stay as they were and `git diff` shows the change alone.

An action whose target is gone, or whose `x-nexx-expects` / `x-nexx-absent` no longer hold
(the contract changed since the run), is reported and not applied; one whose change is
already there is reported as such.

    python -m nexx_conformance.contract_source OVERLAY [CONTRACTS_DIR]
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from nexx_conformance.contract import SourceFiles, contract
from nexx_conformance.overlay import ABSENT, EXPECTS, jsonpath, schema_errors

ROOT_FILE = "nexx-user.openapi.yaml"
APPLIED, ALREADY, STALE = "applied", "already applied", "no longer applies"
# main's exit status when some action no longer applies (2: the overlay cannot be read).
STALE_EXIT = 3


def target_of(action: dict[str, Any]) -> tuple[tuple[str, ...], str | None] | None:
    """The member names of an action's target and the list item it selects, or None for a
    JSONPath of another form (this tool writes only plain member names)."""
    from jsonpath_ng import Child, Fields, Root
    from jsonpath_ng.ext import parse
    from jsonpath_ng.ext.filter import Expression, Filter

    names: list[str] = []
    member = None
    expression = parse(action["target"])
    parts = []
    while isinstance(expression, Child):
        parts.append(expression.right)
        expression = expression.left
    if not isinstance(expression, Root):
        return None
    for part in reversed(parts):
        if isinstance(part, Fields) and len(part.fields) == 1 and member is None:
            names.append(part.fields[0])
        elif isinstance(part, Filter) and len(part.expressions) == 1 and member is None:
            condition = part.expressions[0]
            if not isinstance(condition, Expression) or condition.op != "==":
                return None
            member = condition.value
        else:
            return None
    return tuple(names), member


def outcome(action: dict[str, Any], node: Any, member: str | None) -> str | None:
    """Why an action no longer applies, ALREADY, or None when it applies."""
    if member is not None:
        return None if isinstance(node, list) and member in node else f"{STALE}: no item {member}"
    for name, value in (action.get(EXPECTS) or {}).items():
        if not isinstance(node, dict) or name not in node or node[name] != value:
            now = node.get(name, "(absent)") if isinstance(node, dict) else node
            return f"{STALE}: {name} was {value!r} when the run wrote it, is {now!r} now"
    absent = action.get(ABSENT) or []
    update = action.get("update")
    there = [name for name in absent if isinstance(node, dict) and name in node]
    if there:
        if isinstance(update, dict) and all(node[name] == update.get(name) for name in there):
            return ALREADY if len(there) == len(absent) else None
        return f"{STALE}: {', '.join(there)} is there already, otherwise"
    return None


def deepest_last(node: Any) -> tuple[Any, Any] | None:
    """The mapping and key of the last scalar member at the end of `node` (ruamel keeps the
    comment or blank line that follows a mapping there)."""
    while isinstance(node, dict) and node:
        last = list(node)[-1]
        if not (isinstance(node[last], dict) and node[last]):
            return node, last
        node = node[last]
    return None


def trailing_comment(node: Any) -> Any:
    """Takes the comment (or blank line) that follows `node`'s last member off it."""
    end = deepest_last(node)
    entry = getattr(end[0], "ca", None) and end[0].ca.items.get(end[1]) if end else None
    if not entry or len(entry) < 3 or entry[2] is None:
        return None
    token, entry[2] = entry[2], None
    return token


def keep_trailing_comment(node: Any, token: Any) -> None:
    """Members added at the end of a mapping go before the comment or blank line that
    followed its last member: the comment moves to the new end."""
    end = deepest_last(node)
    if token is not None and end is not None and hasattr(end[0], "ca"):
        end[0].ca.items[end[1]] = [None, None, token, None]


def apply(overlay: dict[str, Any], files: SourceFiles) -> list[tuple[int, str, str]]:
    """Apply every action that still applies; (number, target, outcome) of each."""
    from oas_patch import apply_overlay

    report = []
    for number, action in enumerate(overlay.get("actions") or [], start=1):
        parsed = target_of(action)
        if parsed is None:
            report.append((number, action["target"], f"{STALE}: not a path of member names"))
            continue
        target, member = parsed
        removing = bool(action.get("remove"))
        place = files.locate(target, follow_last=not removing)
        if place is None:
            report.append((number, action["target"], f"{STALE}: the target is gone"))
            continue
        node = files.node(place)
        result = outcome(action, node, member)
        if result is not None:
            report.append((number, action["target"], result))
            continue
        mapped: dict[str, Any] = {"target": jsonpath(place.inside, member)}
        if removing:
            mapped["remove"] = True
        else:
            mapped["update"] = files.rewritten(copy.deepcopy(action.get("update")), place.file)
        token = trailing_comment(node) if not removing else None
        apply_overlay(files.load(place.file), {"actions": [mapped]})
        keep_trailing_comment(node, token)
        files.changed.add(place.file)
        where = (
            place.file.relative_to(files.root.parent)
            if place.file.is_relative_to(files.root.parent)
            else place.file
        )
        report.append((number, action["target"], f"{APPLIED} to {where} {mapped['target']}"))
    return report


def main(argv: list[str] | None = None) -> int:
    import yaml

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m nexx_conformance.contract_source OVERLAY [CONTRACTS_DIR]")
        return 2
    overlay = yaml.safe_load(Path(args[0]).read_text(encoding="utf-8"))
    errors = schema_errors(overlay) if isinstance(overlay, dict) else ["not a YAML mapping"]
    if errors:
        print(f"{args[0]} is no Overlay 1.0 document:\n  " + "\n  ".join(errors))
        return 2
    files = SourceFiles(Path(args[1]) if len(args) > 1 else contract().source.parent)
    report = apply(overlay, files)
    for number, target, result in report:
        print(
            f"  action {number}: {result} ({target})"
            if STALE in result
            else f"  action {number}: {result}"
        )
    written = files.save()
    stale = [item for item in report if item[2].startswith(STALE)]
    print(
        f"calibrate-contract: {sum(r[2].startswith(APPLIED) for r in report)} of {len(report)} "
        f"actions applied, {sum(r[2] == ALREADY for r in report)} already applied, "
        f"{len(stale)} no longer apply; {len(written)} source files changed"
    )
    return STALE_EXIT if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
