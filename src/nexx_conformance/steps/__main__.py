"""List the step library: `uv run python -m nexx_conformance.steps [--markdown]`.

Every public step of every area with the first line of its docstring; `--markdown` prints
the table docs/writing-scenarios.md holds (a selftest keeps the two the same).
"""

from __future__ import annotations

import inspect
import sys

from nexx_conformance.steps import Steps, StepsBase


def bare_signature(function) -> str:
    """`(user, *, device=None)`: parameter names and defaults, no annotations, no self."""
    signature = inspect.signature(function)
    parameters = [
        parameter.replace(annotation=inspect.Parameter.empty)
        for parameter in signature.parameters.values()
        if parameter.name != "self"
    ]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


def areas() -> list[tuple[str, list[tuple[str, str]]]]:
    """(module, [(signature, summary)]) for each area mixin of Steps, in MRO order."""
    found = []
    for mixin in Steps.__mro__[1:]:
        if mixin in (StepsBase, object) or not issubclass(mixin, StepsBase):
            continue
        rows = []
        for name, member in vars(mixin).items():
            if name.startswith("_") or not callable(member):
                continue
            signature = bare_signature(member)
            doc = inspect.getdoc(member) or ""
            rows.append((f"{name}{signature}", doc.splitlines()[0] if doc else ""))
        found.append((mixin.__module__.rsplit(".", 1)[-1], rows))
    return found


def markdown() -> str:
    lines = ["| area | step | what it does |", "|---|---|---|"]
    for area, rows in areas():
        for signature, summary in rows:
            lines.append(f"| `{area}` | `{signature}` | {summary} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if "--markdown" in argv:
        print(markdown())
        return 0
    for area, rows in areas():
        print(f"{area}:")
        for signature, summary in rows:
            print(f"  {signature}\n      {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
