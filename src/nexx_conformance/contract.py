"""The contract as the suite reads it: the single-file bundle, parsed once per process.

The source is contracts/nexx-user.openapi.yaml with paths/, components/ and evidence.yaml;
scripts/bundle-contract builds contracts/bundled/nexx-user.openapi.yaml from it and
records the source's sha256 in the bundle's header. Every `$ref` of the bundle is local,
so a reader follows them with no loader of its own (`resolve_local`).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

BUNDLE = Path(__file__).resolve().parents[2] / "contracts" / "bundled" / "nexx-user.openapi.yaml"
# The source the bundle is built from (scripts/bundle-contract writes source_digest()).
SOURCE_ROOT = BUNDLE.parents[1]
SOURCE_PARTS = ("nexx-user.openapi.yaml", "evidence.yaml", "paths", "components")
DIGEST_LINE = re.compile(r"^# source sha256: (?P<digest>[0-9a-f]{64})$", re.MULTILINE)


def source_digest(root: Path = SOURCE_ROOT) -> str:
    """sha256 of the contract source's files, in byte order of their paths, as
    scripts/bundle-contract writes it into the bundle's header."""
    files = []
    for part in SOURCE_PARTS:
        found = root / part
        if found.is_file():
            files.append(found)
        elif found.is_dir():
            files.extend(found.rglob("*.yaml"))
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda file: file.relative_to(root).as_posix()):
        digest.update(file.read_bytes())
    return digest.hexdigest()


def stale_bundle(path: Path = BUNDLE, root: Path = SOURCE_ROOT) -> str | None:
    """Why the bundle is not the current source's (the suite loads the bundle), or None."""
    if not path.is_file():
        return f"{path.relative_to(root.parent)} is missing: run scripts/bundle-contract"
    with path.open(encoding="utf-8") as head:
        header = "".join(head.readline() for _ in range(5))
    recorded = DIGEST_LINE.search(header)
    if recorded is None or recorded.group("digest") != source_digest(root):
        return (
            f"{path.relative_to(root.parent)} is not built from the contract source in "
            f"{root.name}/ (edited since?): run scripts/bundle-contract"
        )
    return None


def bundle(path: Path = BUNDLE) -> dict[str, Any]:
    """The contract's bundle, parsed once per file and process (however the path is spelled:
    the quick pass's order, the coverage count and the drift report all read it)."""
    return _parsed(path.resolve())


@cache
def _parsed(path: Path) -> dict[str, Any]:
    import yaml

    # libyaml's loader where PyYAML has it: the bundle is 300 kB and read by every run
    # (drift report), 0.35 s with the pure-Python loader, 0.05 s with this one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def pointer(*parts: str) -> str:
    """The JSON pointer segments `parts`, escaped and joined ("/{domainid}/x" -> "~1{domainid}~1x")."""
    return "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def resolve_local(document: dict, ref: str) -> Any:
    """What a local `$ref` ("#/components/schemas/User") points at in `document`."""
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[unescape(part)]
    return node


HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@cache
def method_of(operation_id: str) -> str:
    """The HTTP method (upper case) the contract gives an operation: a step sends a call
    with the verb the contract names (DELETE for /interactions/removelike, ...)."""
    for item in (bundle().get("paths") or {}).values():
        for method in HTTP_METHODS:
            if (item or {}).get(method, {}).get("operationId") == operation_id:
                return method.upper()
    raise KeyError(f"no operation {operation_id!r} in the contract")
