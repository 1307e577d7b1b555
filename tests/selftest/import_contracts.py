"""An import-linter contract type of our own: a library's internals imported in one module only.

import-linter's built-in contracts see an external package as one node (grimp squashes it
to its top level: `schemathesis`, never `schemathesis.core.failures`), so they cannot tell
`import schemathesis` from an import of its internals. This one reads each import's line
(grimp keeps it) and names the modules it brings in. pyproject.toml, [tool.importlinter]
names it (`contract_types`) and its one contract (`library-internals`); `lint-imports`
checks it with the others (tests/selftest/test_layers.py).
"""

from __future__ import annotations

import ast
import importlib.util

from importlinter import Contract, ContractCheck, fields, output


def imported_modules(line: str) -> set[str]:
    """The modules an import line brings in: `from a.b import c` is a.b, and a.b.c when c
    is a module of its own."""
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                try:
                    if importlib.util.find_spec(name) is not None:
                        found.add(name)
                except (ImportError, ValueError):
                    pass
    return found


def within(module: str, prefixes: list[str]) -> bool:
    return any(module == prefix or module.startswith(f"{prefix}.") for prefix in prefixes)


class LibraryInternalsContract(Contract):
    """Modules below `internals` (but those in `public`) may be imported only by
    `allowed_importers`."""

    type_name = "library_internals"

    internals = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField(), required=False)
    allowed_importers = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        internals = [str(item) for item in self.internals]  # type: ignore[attr-defined]
        public = {str(item) for item in (self.public or [])}  # type: ignore[attr-defined]
        allowed = [str(item) for item in self.allowed_importers]  # type: ignore[attr-defined]
        ours = {
            module.split(".")[0] for module in graph.modules if not graph.is_module_squashed(module)
        }
        broken = []
        for importer in sorted(graph.modules):
            if importer.split(".")[0] not in ours or within(importer, allowed):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    for module in sorted(imported_modules(detail["line_contents"])):
                        if within(module, internals) and module not in public:
                            broken.append(
                                f"{importer}:{detail['line_number']} imports {module} "
                                f"({detail['line_contents'].strip()})"
                            )
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Library internals imported outside the patch module:", bold=False)
        for line in check.metadata["broken"]:
            output.print_error(f"- {line}", bold=False)
        output.new_line()
        output.print(
            "Move the import into nexx_conformance.patches, behind a check of what it relies "
            "on (patches.guarded), and call it from there."
        )
