"""The contract module: the bundle is refused when it is not the current source's."""

from __future__ import annotations

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
    assert contract.stale_bundle() is None


def test_a_missing_bundle_says_how_to_build_it(tmp_path):
    root = tmp_path / "contracts"
    root.mkdir()
    assert contract.stale_bundle(root / "bundled" / "nexx-user.openapi.yaml", root) == (
        "contracts/bundled/nexx-user.openapi.yaml is missing: run scripts/bundle-contract"
    )
