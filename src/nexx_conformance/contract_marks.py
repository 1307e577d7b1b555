"""The contract's own marks (`x-nexx-*`, docs/conventions.md), read here and nowhere else.

An operation says which session it needs (`x-nexx-session`), whether it changes shared
state on a live target (`x-nexx-destructive`) and whom it mails or texts
(`x-nexx-side-effects`). How sure the contract is of each rule is nexx_conformance.evidence's.
`operation` is a schemathesis APIOperation.
"""

from __future__ import annotations

from typing import Any

SESSION = "x-nexx-session"
DESTRUCTIVE = "x-nexx-destructive"
SIDE_EFFECTS = "x-nexx-side-effects"

# The session kinds of x-nexx-session.
NONE = "none"  # no session at all: only /session/init
ANONYMOUS = "anonymous"  # a session nobody is logged in to
USER = "user"  # a logged-in user
ETERNAL = "eternal"  # the eternal (backend) session
PENDING_LOGIN = "pending-login"  # a login held for its second factor
SESSION_KINDS = (NONE, ANONYMOUS, USER, ETERNAL, PENDING_LOGIN)
# An operation without the mark, as the reference server reads it too.
DEFAULT_SESSION = ANONYMOUS


def raw(operation: Any) -> dict[str, Any]:
    return operation.definition.raw


def session_kind(operation: Any) -> str:
    return session_kind_in(raw(operation))


def session_kind_in(definition: dict[str, Any]) -> str:
    """The session kind of an operation's definition as the contract's YAML has it."""
    return definition.get(SESSION, DEFAULT_SESSION)


def operation_id(operation: Any) -> str:
    return raw(operation).get("operationId", "")


def is_destructive(operation: Any) -> bool:
    return is_destructive_in(raw(operation))


def is_destructive_in(definition: dict[str, Any]) -> bool:
    """Whether an operation's definition, as the contract's YAML has it, is destructive."""
    return bool(definition.get(DESTRUCTIVE))


def side_effects(operation: Any) -> list[str]:
    """The out-of-band channels the operation uses (mail, sms)."""
    return side_effects_in(raw(operation))


def side_effects_in(definition: dict[str, Any]) -> list[str]:
    return list(definition.get(SIDE_EFFECTS, ()))
