"""The evidence reader: every rule is graded by the closest entry of contracts/evidence.yaml."""

from __future__ import annotations

import pytest

from nexx_conformance.evidence import EvidenceBook, EvidenceError, markdown

STATED_BY_PAGE = {"source": "page", "says": "the page's words"}


def document(**evidence) -> dict:
    return {
        "paths": {
            "/{domainid}/user/profile": {
                "get": {
                    "operationId": "profile",
                    "parameters": [{"name": "start", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["result"],
                                        "additionalProperties": False,
                                    }
                                }
                            }
                        },
                        "404": {"description": "gone"},
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "User": {
                    "type": "object",
                    "required": ["ID", "email"],
                    "properties": {"gender": {"type": "string", "enum": ["a", "b"]}},
                }
            }
        },
        "x-nexx-evidence": {
            "sources": {"page": {"grade": "stated", "title": "a page", "where": "https://x"}},
            "rules": {"envelope-status": {"title": "status", **STATED_BY_PAGE}},
            "statuses": {"*": {"*": {"guessed": "no page"}}},
            "schemas": {"*": {"guessed": "nobody says"}},
            **evidence,
        },
    }


def test_a_keyword_nobody_grades_falls_back_to_the_default_guess():
    book = EvidenceBook(document())
    evidence = book.keyword_at("#/components/schemas/User/properties/gender", "enum")
    assert (evidence.grade, evidence.detail, evidence.entry) == (
        "guessed",
        "nobody says",
        "schemas.*",
    )


def test_the_closest_entry_that_names_the_keyword_wins():
    book = EvidenceBook(
        document(
            schemas={
                "*": {"guessed": "nobody says"},
                "schemas/User": {"*": STATED_BY_PAGE},
                "schemas/User/properties/gender": {"enum": {"guessed": "values are ours"}},
            }
        )
    )
    gender = "#/components/schemas/User/properties/gender"
    assert book.keyword_at(gender, "enum").detail == "values are ours"
    # `type` of gender is not named there: the User entry's `*` grades it.
    assert book.keyword_at(gender, "type").grade == "stated"
    assert book.keyword_at(gender, "type").source.title == "a page"


def test_a_required_field_may_be_graded_on_its_own():
    book = EvidenceBook(
        document(
            schemas={"*": {"guessed": "x"}, "schemas/User": {"required/email": STATED_BY_PAGE}}
        )
    )
    user = "#/components/schemas/User"
    assert book.keyword_at(user, "required", "email").grade == "stated"
    assert book.keyword_at(user, "required", "ID").grade == "guessed"


def test_an_operation_key_grades_its_own_schemas_and_a_star_every_operation():
    book = EvidenceBook(
        document(
            schemas={
                "*": {"guessed": "x"},
                "*:parameters": {"type": STATED_BY_PAGE},
                "profile:responses": {"additionalProperties": {"guessed": "closed by us"}},
            }
        )
    )
    operation = "#/paths/~1{domainid}~1user~1profile/get"
    assert book.keyword_at(f"{operation}/parameters/0/schema", "type").grade == "stated"
    closed = book.keyword_at(
        f"{operation}/responses/200/content/application~1json/schema", "additionalProperties"
    )
    assert closed.detail == "closed by us"


def test_a_node_of_the_document_is_found_by_identity():
    given = document(schemas={"*": {"guessed": "x"}, "schemas/User": {"*": STATED_BY_PAGE}})
    book = EvidenceBook(given)
    node = given["components"]["schemas"]["User"]
    assert book.keyword(node, "type").grade == "stated"
    assert book.keyword({"type": "string"}, "type").grade == "guessed"  # not a node of it


def test_statuses_fall_back_per_operation_then_for_every_operation():
    book = EvidenceBook(
        document(statuses={"*": {"*": {"guessed": "ours"}}, "profile": {"200": STATED_BY_PAGE}})
    )
    assert book.status("profile", 200).grade == "stated"
    assert book.status("profile", 404).grade == "guessed"
    assert book.complete_statuses("profile").detail == "ours"


def test_an_entry_naming_an_unknown_source_is_refused():
    book = EvidenceBook(document(rules={"x": {"title": "x", "source": "nowhere"}}))
    with pytest.raises(EvidenceError, match="rules.x: expected"):
        book.rule("x")


def test_an_unknown_rule_is_refused_by_name():
    with pytest.raises(EvidenceError, match="rules.missing: no such rule"):
        EvidenceBook(document()).rule("missing")


def test_a_source_must_be_stated_or_observed():
    given = document()
    given["x-nexx-evidence"]["sources"]["page"]["grade"] = "guessed"
    with pytest.raises(EvidenceError, match="source page: grade must be stated or observed"):
        EvidenceBook(given)


def test_every_rule_is_listed_with_its_grade():
    book = EvidenceBook(document())
    listed = {(rule.kind, rule.where, rule.rule) for rule in book.graded_rules()}
    assert ("rule", "envelope-status", "status") in listed
    assert ("status", "profile", "answers 404") in listed
    assert ("status", "profile", "answers no status but those above") in listed
    assert ("schema", "#/components/schemas/User", "required email") in listed
    assert ("schema", "#/components/schemas/User/properties/gender", "enum ['a', 'b']") in listed
    page = markdown(book)
    assert "| stated | 1 |" in page and "## Statuses, by operation" in page
