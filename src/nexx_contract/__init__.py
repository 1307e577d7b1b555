"""Where the contract's files are: the OpenAPI source (its root document, `paths/`,
`components/`, `evidence.yaml`) and its single-file bundle (`bundled/`).

In an installed wheel they are this package's data, read through importlib.resources; in a
checkout of the repository (an editable install), its `contracts/` folder, the one the
project edits. This package only says where; the suite reads them through
`nexx_conformance.contract`, the reference server through `nexx_reference.contract`. Both
take another copy instead when given one (`--contract`, `NEXX_CONTRACT`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ROOT_DOCUMENT = "nexx-user.openapi.yaml"
BUNDLE_FOLDER = "bundled"
# The package's own copy in a wheel (pyproject.toml, tool.hatch.build force-include).
PACKAGED = "files"


def directory() -> Path:
    """The folder holding the contract's root document."""
    packaged = resources.files(__name__) / PACKAGED
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "contracts"


def source() -> Path:
    """The contract's root document (the multi-file source)."""
    return directory() / ROOT_DOCUMENT


def bundle_of(root_document: Path) -> Path:
    """The single-file bundle built from a root document: `bundled/<its name>` beside it."""
    return root_document.parent / BUNDLE_FOLDER / root_document.name
