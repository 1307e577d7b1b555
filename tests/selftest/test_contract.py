"""The contract module: the one reader of the contract; the bundle is stale once its source changes."""

from __future__ import annotations

import ast
from pathlib import Path

from nexx_conformance import contract


def test_a_bundle_is_stale_once_its_source_changes(tmp_path):
    root = tmp_path / "contracts"
    (root / "paths").mkdir(parents=True)
    (root / "components").mkdir()
    (root / "bundled").mkdir()
    (root / "nexx-user.openapi.yaml").write_text("openapi: 3.1.0\n")
    (root / "evidence.yaml").write_text("sources: {}\n")
    (root / "paths" / "session.yaml").write_text("post: {}\n")
    (root / "components" / "schemas.yaml").write_text("User: {}\n")
    bundled = root / "bundled" / "nexx-user.openapi.yaml"
    bundled.write_text(
        f"# GENERATED\n# source sha256: {contract.source_digest(root)}\nopenapi: 3.1.0\n"
    )

    assert contract.stale_bundle(bundled, root) is None
    (root / "paths" / "session.yaml").write_text("post: {summary: edited}\n")
    assert "run scripts/bundle-contract" in contract.stale_bundle(bundled, root)


def test_an_edited_evidence_file_stales_the_bundle(tmp_path):
    root = tmp_path / "contracts"
    root.mkdir()
    (root / "evidence.yaml").write_text("sources: {}\n")
    before = contract.source_digest(root)
    (root / "evidence.yaml").write_text("sources: {a: {grade: stated}}\n")
    assert contract.source_digest(root) != before


def test_the_committed_bundle_is_the_sources():
    assert contract.contract().stale() is None


def test_a_missing_bundle_says_how_to_build_it(tmp_path):
    root = tmp_path / "contracts"
    root.mkdir()
    assert contract.stale_bundle(root / "bundled" / "nexx-user.openapi.yaml", root) == (
        "contracts/bundled/nexx-user.openapi.yaml is missing: run scripts/bundle-contract"
    )


# -- one reader of the contract ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
# The suite's code and what runs it: none of it may find or read a contract file, or follow
# a `$ref`, but through nexx_conformance.contract. (The reference server keeps its own
# reader; tests/contract are the contract's own tests and read the source as such.)
READERS_SCOPE = (
    "src/nexx_conformance",
    "scripts",
    "benchmarks",
    "tests/conformance",
    "tests/scenarios",
)
THE_READER = ROOT / "src" / "nexx_conformance" / "contract.py"
CONTRACT_FILE_NAMES = ("contracts", "bundled", "nexx-user.openapi.yaml", "evidence.yaml")


def contract_readings(path: Path, root: Path = ROOT) -> list[str]:
    """Where a module finds a contract file or follows a `$ref` itself: an import of
    nexx_contract (the files' locations), a path built from a contract file's name, a
    subscript or .get() of "$ref"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}"
        if imported(node).startswith("nexx_contract"):
            found.append(f"{where}: imports nexx_contract")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and side.value in CONTRACT_FILE_NAMES:
                    found.append(f"{where}: builds the path of {side.value!r}")
        elif follows_ref(node):
            found.append(f"{where}: follows a $ref")
    return found


def imported(node: ast.AST) -> str:
    if isinstance(node, ast.ImportFrom):
        return node.module or ""
    if isinstance(node, ast.Import):
        return " ".join(alias.name for alias in node.names)
    return ""


def follows_ref(node: ast.AST) -> bool:
    if isinstance(node, ast.Subscript):
        return is_ref(node.slice)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and bool(node.args)
        and is_ref(node.args[0])
    )


def is_ref(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "$ref"


def test_only_the_contract_module_finds_contract_files_or_follows_refs():
    modules = [
        path
        for scope in READERS_SCOPE
        for path in sorted((ROOT / scope).rglob("*.py"))
        if path != THE_READER
    ]
    assert len(modules) > 50
    found = [reading for path in modules for reading in contract_readings(path)]
    assert not found, "ask nexx_conformance.contract instead:\n" + "\n".join(found)


def test_the_check_sees_a_module_that_reads_the_contract_itself(tmp_path):
    module = tmp_path / "reader.py"
    module.write_text(
        "import yaml\n"
        "from pathlib import Path\n"
        "doc = yaml.safe_load((Path('x') / 'contracts' / 'nexx-user.openapi.yaml').read_text())\n"
        "node = doc['paths']['$ref']\n"
    )
    found = sorted(line.split(": ", 1)[1] for line in contract_readings(module, tmp_path))
    assert found == [
        "builds the path of 'contracts'",
        "builds the path of 'nexx-user.openapi.yaml'",
        "follows a $ref",
    ]
