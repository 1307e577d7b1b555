"""List the step library: `uv run python -m nexx_conformance.steps [--markdown]`.

Every public step, the shared ones of `base` first, then each area's: its signature with
the types it takes and returns, and the whole first sentence of its docstring. Then what
the steps return: each result type's fields and properties. `--markdown` prints the
tables docs/writing-scenarios.md holds (a selftest keeps the two the same).
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
import sys
import typing
from collections.abc import Callable, Iterator

from nexx_conformance.authenticators.totp import AuthenticatorApp
from nexx_conformance.authenticators.webauthn import SecurityKey
from nexx_conformance.client import Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.steps import Steps, StepsBase
from nexx_conformance.users import User

# A sentence ends at ., ! or ? before a space or the end, but not in "e.g." or "i.e.".
SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.!?](?=\s|$)")
TYPE_NAME = re.compile(r"\b[A-Z]\w+")
# Types a step returns or takes that are not defined beside the steps.
KNOWN_TYPES = {
    cls.__name__: cls for cls in (ApiResponse, Session, User, AuthenticatorApp, SecurityKey)
}


class Annotation:
    """An annotation as its source writes it: `User | None`, not `'User | None'`."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def plain(annotation: object) -> object:
    if annotation is inspect.Parameter.empty:
        return annotation
    if isinstance(annotation, str):
        return Annotation(annotation)
    return Annotation(inspect.formatannotation(annotation))


def plain_default(default: object) -> object:
    """A default as a reader writes it: 403, not <HTTPStatus.FORBIDDEN: 403>."""
    if isinstance(default, enum.IntEnum):
        return int(default)
    if isinstance(default, tuple):
        return tuple(plain_default(each) for each in default)
    return default


def signature_of(function: Callable) -> tuple[str, str]:
    """`(user: User, *, device: str | None = None)` and `Login`: the parameters with their
    types and defaults (no self), and the type returned ("" when not annotated)."""
    signature = inspect.signature(function)
    parameters = [
        parameter.replace(
            annotation=plain(parameter.annotation), default=plain_default(parameter.default)
        )
        for parameter in signature.parameters.values()
        if parameter.name != "self"
    ]
    returns = signature.return_annotation
    shown = signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty)
    return str(shown), "" if returns is inspect.Signature.empty else repr(plain(returns))


def first_sentence(doc: str | None) -> str:
    """The whole first sentence of a docstring, its lines joined."""
    paragraph = " ".join((doc or "").split("\n\n", 1)[0].split())
    found = SENTENCE_END.search(paragraph)
    return paragraph[: found.end()] if found else paragraph


@dataclasses.dataclass(frozen=True)
class StepRow:
    area: str
    name: str
    parameters: str
    returns: str
    summary: str

    @property
    def call(self) -> str:
        return f"{self.name}{self.parameters}"


def step_mixins() -> list[type]:
    """StepsBase, then each area mixin of Steps, in MRO order."""
    areas = [
        mixin
        for mixin in Steps.__mro__[1:]
        if mixin not in (StepsBase, object) and issubclass(mixin, StepsBase)
    ]
    return [StepsBase, *areas]


def area_of(mixin: type) -> str:
    return mixin.__module__.rsplit(".", 1)[-1]


def public_steps(mixin: type) -> Iterator[tuple[str, Callable]]:
    for name, member in vars(mixin).items():
        function = member.__func__ if isinstance(member, staticmethod) else member
        if not name.startswith("_") and inspect.isfunction(function):
            yield name, function


def rows() -> list[StepRow]:
    """One row per public step: base first, then the areas."""
    found = []
    for mixin in step_mixins():
        for name, function in public_steps(mixin):
            parameters, returns = signature_of(function)
            summary = first_sentence(inspect.getdoc(function))
            found.append(StepRow(area_of(mixin), name, parameters, returns, summary))
    return found


def areas() -> list[tuple[str, list[tuple[str, str]]]]:
    """(area, [(call, summary)]) for each area, base first (the selftests walk these)."""
    by_area: dict[str, list[tuple[str, str]]] = {}
    for row in rows():
        by_area.setdefault(row.area, []).append((row.call, row.summary))
    return list(by_area.items())


# -- what the steps return ----------------------------------------------------------------


def classes_named(text: str, namespace: dict) -> Iterator[type]:
    """The classes a type annotation names (an alias of a union: each of its classes)."""
    for name in TYPE_NAME.findall(text):
        named = namespace.get(name) or KNOWN_TYPES.get(name)
        for each in typing.get_args(named) or (named,):
            if isinstance(each, type) and each.__module__.startswith("nexx_conformance"):
                yield each


def result_types() -> list[type]:
    """The classes the steps return, in order of first mention (as the step modules or
    KNOWN_TYPES name them), each followed by the classes of its fields."""
    found: dict[type, None] = {}

    def add(cls: type) -> None:
        if cls in found:
            return
        found[cls] = None
        if dataclasses.is_dataclass(cls):
            namespace = vars(sys.modules[cls.__module__])
            for field in dataclasses.fields(cls):
                if field.repr:
                    for inner in classes_named(str(field.type), namespace):
                        add(inner)

    for mixin in step_mixins():
        namespace = vars(sys.modules[mixin.__module__])
        for _, function in public_steps(mixin):
            for cls in classes_named(signature_of(function)[1], namespace):
                add(cls)
    return list(found)


def members_of(cls: type) -> list[str]:
    """`name: type` of each field, `name` and the first sentence of each public property
    and method a scenario may use."""
    shown = []
    if dataclasses.is_dataclass(cls):
        for field in dataclasses.fields(cls):
            if not field.name.startswith("_") and field.repr:
                shown.append(f"`{field.name}: {field.type}`")
    for name, member in vars(cls).items():
        if name.startswith("_") or name in ("of", "from_httpx", "from_uri"):
            continue
        if isinstance(member, property):
            summary = first_sentence(inspect.getdoc(member))
            shown.append(f"`{name}`" + (f" ({summary.rstrip('.')})" if summary else ""))
        elif inspect.isfunction(member):
            parameters, returns = signature_of(member)
            shown.append(f"`{name}{parameters}" + (f" -> {returns}`" if returns else "`"))
    return shown


def result_rows() -> list[tuple[str, str, str]]:
    """(type, what it is, its members) for each type the steps return."""
    return [
        (cls.__name__, first_sentence(inspect.getdoc(cls)), ", ".join(members_of(cls)))
        for cls in result_types()
    ]


# -- output -------------------------------------------------------------------------------


def cell(text: str) -> str:
    # A | in a table cell, even inside a code span, ends the cell.
    return text.replace("|", "\\|")


def markdown() -> str:
    lines = ["| area | step | returns | what it does |", "|---|---|---|---|"]
    for row in rows():
        returns = f"`{row.returns}`" if row.returns else ""
        lines.append(
            f"| `{row.area}` | `{cell(row.call)}` | {cell(returns)} | {cell(row.summary)} |"
        )
    lines += ["", "| result | what it is | fields, properties and methods |", "|---|---|---|"]
    for name, what, members in result_rows():
        lines.append(f"| `{name}` | {cell(what)} | {cell(members)} |")
    return "\n".join(lines)


def plain_text() -> str:
    lines = ["steps.step(name): `with steps.step(...)` names a step of your own in the story."]
    area = None
    for row in rows():
        if row.area != area:
            area = row.area
            lines.append(f"\n{area}:")
        lines.append(f"  {row.call}" + (f" -> {row.returns}" if row.returns else ""))
        lines.append(f"      {row.summary}")
    lines.append("\nwhat the steps return:")
    for name, what, members in result_rows():
        lines.append(f"  {name}: {what}")
        lines.append(f"      {members.replace('`', '')}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    print(markdown() if "--markdown" in argv else plain_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
