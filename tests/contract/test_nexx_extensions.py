"""The nexx vendor extensions are present and consistent (docs/conventions.md).

x-nexx-session drives which session the suite signs with, x-nexx-eternal-parameters which
parameters it must see refused, x-seed-erratum where the contract departs from the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contract_document import (
    CONTRACTS_DIR,
    SEED_DIR,
    SESSION_KINDS,
    expect,
    load_document,
    operations,
    operations_or_fail,
    parameters_of,
    path_items,
    relative,
    request_body_of,
    request_body_properties,
)

ERRATUM_FIELDS = ("page", "contract", "why")
# The contradictions of the seed page listed in shared/nexx-api-facts.md
# ("Where the seed page contradicts itself"), each to be resolved by an erratum.
SEED_CONTRADICTIONS = (
    "/registeranonymous", "/authorize", "/verifypassword", "/uploads",
    "/prepareregisterauthenticator", "/finishavsupdate", "/finishupload", "/register",
)  # fmt: skip
PATH_ITEMS = path_items()
SESSION_SCHEMES = {
    "anonymous": "AnonymousSession", "user": "UserSession",
    "pending-login": "PendingLoginSession", "eternal": "EternalSession",
}  # fmt: skip
SIDE_EFFECTS = ("mail", "sms")
# What the reference server sends for each (docs/conventions.md, "Out-of-band channels").
MAILING_OR_TEXTING = {
    "register": "mail", "resendwelcomemail": "mail", "requestpass": "mail",
    "requesttakeout": "mail", "requestkeycode": "sms", "login": "sms",
}  # fmt: skip


def operation_segment(path: str) -> str:
    """The OPERATION the request is signed with: `/{domainid}/user/authorize/{token}` -> `authorize`."""
    return path.strip("/").split("/")[2]


@pytest.mark.parametrize("item", PATH_ITEMS, ids=lambda item: item.id)
def test_operation_states_an_allowed_session(item):
    for operation in operations_or_fail(item):
        session = operation.node.get("x-nexx-session")
        expect(
            session in SESSION_KINDS,
            f"{operation.title}: x-nexx-session is {session!r}, expected one of {SESSION_KINDS}",
        )


@pytest.mark.parametrize("item", PATH_ITEMS, ids=lambda item: item.id)
def test_operation_id_is_the_signed_operation_segment(item):
    for operation in operations_or_fail(item):
        segment = operation_segment(operation.path)
        expect(
            operation.operation_id == segment,
            f"{operation.title}: operationId must be '{segment}', the segment X-Request-Token signs",
        )


@pytest.mark.parametrize("item", PATH_ITEMS, ids=lambda item: item.id)
def test_only_session_init_is_unsigned(item):
    for operation in operations_or_fail(item):
        is_init = operation.path == "/{domainid}/session/init"
        unsigned = operation.node.get("security", None) == []
        expect(
            unsigned == is_init,
            f"{operation.title}: "
            + ("needs `security: []`" if is_init else "every call but /session/init is signed"),
        )
        expect(
            (operation.node.get("x-nexx-session") == "none") == is_init,
            f"{operation.title}: x-nexx-session 'none' belongs to /session/init alone",
        )


@pytest.mark.parametrize("item", PATH_ITEMS, ids=lambda item: item.id)
def test_security_names_the_session_kind_with_the_signature(item):
    # Third-party tools (Prism, Redocly, code generators) read `security`, the suite reads
    # x-nexx-session: both must say the same.
    for operation in operations_or_fail(item):
        kind = operation.node.get("x-nexx-session")
        if kind == "none":
            continue
        expected = [{SESSION_SCHEMES[kind]: [], "RequestToken": []}]
        if operation.node.get("x-nexx-eternal-parameters"):
            expected.append({SESSION_SCHEMES["eternal"]: [], "RequestToken": []})
        expect(
            operation.node.get("security") == expected,
            f"{operation.title}: security must be {expected} (x-nexx-session {kind!r})",
        )


def test_every_session_kind_is_a_security_scheme_of_the_session_header(contract):
    schemes = contract["components"]["securitySchemes"]
    for kind, name in SESSION_SCHEMES.items():
        expect(
            schemes.get(name, {}).get("name") == "X-Request-CID",
            f"securitySchemes.{name} (x-nexx-session {kind!r}) must be the X-Request-CID header",
        )
    expect(
        schemes.get("RequestToken", {}).get("name") == "X-Request-Token",
        "securitySchemes.RequestToken must be the X-Request-Token header",
    )
    expect("security" not in contract, "no root security: each operation names its session kind")


@pytest.mark.parametrize("item", PATH_ITEMS, ids=lambda item: item.id)
def test_side_effects_are_out_of_band_channels(item):
    for operation in operations_or_fail(item):
        effects = operation.node.get("x-nexx-side-effects", [])
        expect(
            isinstance(effects, list) and set(effects) <= set(SIDE_EFFECTS),
            f"{operation.title}: x-nexx-side-effects must be a list of {SIDE_EFFECTS}, not {effects!r}",
        )


@pytest.mark.parametrize("operation_id, channel", sorted(MAILING_OR_TEXTING.items()))
def test_operation_that_mails_or_texts_says_so(operation_id, channel):
    operation = next(op for op in operations() if op.operation_id == operation_id)
    expect(
        channel in operation.node.get("x-nexx-side-effects", []),
        f"{operation.title} sends {channel} on a live target: mark it x-nexx-side-effects: [{channel}]",
    )


# The media lists are the operations of paths/medialists.yaml (that every list of the page
# is there, test_seed_coverage checks).
MEDIA_LISTS = [operation for operation in operations() if operation.file.name == "medialists.yaml"]


@pytest.mark.parametrize("operation", MEDIA_LISTS, ids=lambda operation: operation.operation_id)
def test_media_list_lets_only_the_eternal_session_send_for_user_id(operation):
    expect(
        operation.node.get("x-nexx-eternal-parameters") == ["forUserID"],
        f"{operation.title}: x-nexx-eternal-parameters must be [forUserID]",
    )
    names = {parameter.get("name") for parameter, _ in parameters_of(operation)}
    expect(
        "forUserID" in names, f"{operation.title}: forUserID is eternal-only but not a parameter"
    )


def _errata_in(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "x-seed-erratum":
                for erratum in value if isinstance(value, list) else [value]:
                    yield where, erratum
            else:
                yield from _errata_in(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _errata_in(value, f"{where}/{index}")


def contract_files() -> list[Path]:
    files = sorted(CONTRACTS_DIR.rglob("*.yaml"))
    return [
        file for file in files if SEED_DIR not in file.parents and not file.name.startswith(".")
    ]


def test_every_erratum_says_what_the_page_says_what_the_contract_does_and_why():
    incomplete = [
        f"{relative(file)}#{where}: {erratum!r}"
        for file in contract_files()
        for where, erratum in _errata_in(load_document(file), "")
        if not (
            isinstance(erratum, dict)
            and all(str(erratum.get(key) or "").strip() for key in ERRATUM_FIELDS)
        )
    ]
    expect(
        not incomplete, "errata need non-empty page, contract and why:\n" + "\n".join(incomplete)
    )


def _operation_has_erratum(operation) -> bool:
    body = request_body_of(operation)
    holders = [operation.node, operation.path_item, body[0] if body else {}]
    holders += [parameter for parameter, _ in parameters_of(operation)]
    holders += [schema for schema, _ in request_body_properties(operation).values()]
    return any("x-seed-erratum" in holder for holder in holders)


@pytest.mark.parametrize("seed_name", SEED_CONTRADICTIONS, ids=lambda name: name.strip("/"))
def test_seed_contradiction_is_resolved_by_an_erratum(seed_name):
    matches = [op for op in operations() if op.seed_name == seed_name]
    expect(
        matches, f"no operation has x-seed-operation: {seed_name!r}, so its erratum cannot be found"
    )
    expect(
        any(_operation_has_erratum(op) for op in matches),
        f"{matches[0].title} (seed {seed_name}) needs an x-seed-erratum: the seed page contradicts "
        "itself there (shared/nexx-api-facts.md, 'Where the seed page contradicts itself')",
    )
