"""Input checks driven by the contract: coerce the strings of a request, then validate.

Query, path and form values all arrive as strings; each is coerced to the type its
schema declares (integer, number) and then validated with jsonschema (formats email,
date and uri checked), every `pattern` read as the contract means it, ECMA-262
(nexx_patterns). A violation becomes one errorhint naming the parameter and rule, and
never echoes the value (it may be a password or a token).
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

import nexx_patterns

from .contract import Operation

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or (len(value) <= 254 and bool(_EMAIL.match(value)))


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    # date.fromisoformat alone also takes the basic form 20240131; RFC 3339 wants dashes.
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    return bool(_SCHEME.match(parts.scheme)) and bool(parts.netloc or parts.path)


class InputError(Exception):
    """A request value breaks the contract; the message is the errorhint."""


def _declared_types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)]
    for combinator in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(combinator, []):
            if isinstance(sub, dict) and (types := _declared_types(sub)):
                return types
    return []


def _property_schema(schema: Any, name: str) -> dict[str, Any]:
    """The schema a body property is declared with, wherever the body schema composes it."""
    if not isinstance(schema, dict):
        return {}
    declared = schema.get("properties", {}).get(name)
    if isinstance(declared, dict):
        return declared
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            if found := _property_schema(sub, name):
                return found
    for key in ("then", "else"):
        if found := _property_schema(schema.get(key), name):
            return found
    return {}


SQLITE_MAX_INTEGER = 2**63 - 1


def coerce(value: str, schema: dict[str, Any]) -> Any:
    """The value as the schema's type, or the string unchanged when it does not fit."""
    for declared in _declared_types(schema):
        if declared == "integer" and _INTEGER.match(value):
            number = int(value)
            # SQLite stores 64-bit integers; a larger one would fail in storage (a 500)
            # wherever the contract forgot a maximum.
            if abs(number) > SQLITE_MAX_INTEGER:
                raise InputError(f"integer {value[:24]} is out of range (64 bits at most)")
            return number
        if declared == "number":
            try:
                number = float(value)
            except ValueError:
                continue
            if math.isfinite(number):
                return int(number) if _INTEGER.match(value) else number
        if declared == "string":
            return value
    return value


def validate_request(
    operation: Operation, path_values: dict[str, str], sent: dict[str, str]
) -> dict[str, Any]:
    """The validated parameters of one call, or InputError. `sent` holds the query and
    form values merged (http.sent_parameters): a parameter the contract declares in the
    query may come in the body and a body property in the query, as nexx's clients send
    them; each is held to the rule the contract gives it."""
    values: dict[str, Any] = {}
    declared_locations = {"path": path_values, "query": sent}
    in_query: set[str] = set()
    for param in operation.parameters:
        source = declared_locations.get(param.location)
        if source is None:
            continue
        if param.location == "query":
            in_query.add(param.name)
        if param.name not in source:
            if param.required:
                raise InputError(f"parameter '{param.name}' is required")
            continue
        value = coerce(source[param.name], param.schema)
        _check(param.name, value, param.schema)
        values[param.name] = value
    body = {name: raw for name, raw in sent.items() if name not in in_query}
    values.update(_validate_form(operation, body))
    return values


def _validate_form(operation: Operation, form: dict[str, str]) -> dict[str, Any]:
    # Without a body schema (GET operations) the undeclared values (noc, cfo, ...) are
    # accepted as nexx does, as strings.
    schema = operation.body_schema
    if schema is None:
        return dict(form)
    body = {name: coerce(raw, _property_schema(schema, name)) for name, raw in form.items()}
    _check(None, body, schema)
    return body


_validators: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}


def _check(name: str | None, value: Any, schema: dict[str, Any]) -> None:
    # The cache keeps the schema alive beside its validator, so an id() is never reused.
    cached = _validators.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _validators[id(schema)] = (
            schema,
            # Python's `re` reads \S, \d, \w and $ otherwise than the contract: ECMA-262.
            nexx_patterns.validator(schema, formats=FORMATS),
        )
    validator = cached[1]
    errors = sorted(
        validator.iter_errors(value), key=lambda e: (len(e.path), list(map(str, e.path)))
    )
    if errors:
        raise InputError(describe(errors[0], name, value))


def describe(error: ValidationError, name: str | None, instance: Any) -> str:
    """An errorhint for one violation: which parameter, which rule; never the value."""
    if error.validator == "required" and isinstance(instance, dict):
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"parameter '{missing[0] if missing else '?'}' is required"
    if error.validator == "dependentRequired" and isinstance(error.instance, dict):
        for present, companions in error.validator_value.items():
            absent = [c for c in companions if c not in error.instance]
            if present in error.instance and absent:
                return f"parameter '{absent[0]}' is required together with '{present}'"
    if error.validator == "not" and isinstance(error.instance, dict):
        refused = [key for key in _required_names(error.validator_value) if key in error.instance]
        if refused:
            return f"parameter '{refused[0]}' is not allowed here"
    where = ".".join(str(part) for part in error.path)
    label = name if not where else (f"{name}.{where}" if name else where)
    rule = error.validator_value
    if error.validator in ("anyOf", "oneOf") and not label:
        return "the parameters do not fit any of the allowed combinations: " + _schema_hint(
            error.schema
        )
    messages = {
        "type": lambda: f"must be {_article(rule)}",
        "format": lambda: f"must be a valid {_FORMAT_NAMES.get(rule, rule)}",
        "enum": lambda: "must be one of " + ", ".join(map(str, rule)),
        "const": lambda: f"must be {rule}",
        "minLength": lambda: f"must be at least {rule} characters long",
        "maxLength": lambda: f"must be at most {rule} characters long",
        "pattern": lambda: f"must match the pattern {rule}",
        "minimum": lambda: f"must be at least {rule}",
        "maximum": lambda: f"must be at most {rule}",
        "exclusiveMinimum": lambda: f"must be greater than {rule}",
        "exclusiveMaximum": lambda: f"must be less than {rule}",
        "additionalProperties": lambda: "is not allowed here",
        "not": lambda: "is not allowed in this combination",
        "oneOf": lambda: "fits none or several of the allowed forms",
        "anyOf": lambda: "fits none of the allowed forms",
    }
    text = messages.get(error.validator, lambda: f"breaks the rule '{error.validator}'")()
    if error.schema.get("description") and error.validator == "pattern":
        text += f" ({error.schema['description'].strip().rstrip('.')})"
    return f"parameter '{label or '?'}' {text}"


_FORMAT_NAMES = {"email": "email address", "date": "date (YYYY-MM-DD)", "uri": "URI"}


def _required_names(schema: Any) -> list[str]:
    """Every name some `required` in the schema (or its anyOf/oneOf/allOf) lists."""
    if not isinstance(schema, dict):
        return []
    names = list(schema.get("required", []))
    for combinator in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(combinator, []):
            names.extend(_required_names(sub))
    return names


def _article(declared: Any) -> str:
    names = declared if isinstance(declared, list) else [declared]
    words = {
        "integer": "an integer",
        "number": "a number",
        "string": "a string",
        "boolean": "a boolean",
        "array": "a list",
        "object": "an object",
        "null": "empty",
    }
    return " or ".join(words.get(n, str(n)) for n in names)


def _schema_hint(schema: dict[str, Any]) -> str:
    options = []
    for sub in schema.get("anyOf", schema.get("oneOf", [])):
        if isinstance(sub, dict) and sub.get("required"):
            options.append(" + ".join(sub["required"]))
    return "; ".join(options) or "see the contract"
