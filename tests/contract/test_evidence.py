"""Every rule the suite asserts has its grade and source (contracts/evidence.yaml).

The evidence file is the one place for grades: each entry must name a real source and grade
a rule that exists, and every rule id the suite's checks break must be in it.
"""

from __future__ import annotations

from contract_document import BUNDLE_PATH, load_document

from nexx_conformance import checks, guessed_rules
from nexx_conformance.evidence import EvidenceBook


def book() -> EvidenceBook:
    return EvidenceBook(load_document(BUNDLE_PATH))


def test_every_rule_has_a_grade_and_each_entry_reads():
    rules = list(book().graded_rules())  # raises EvidenceError on an unreadable entry
    assert rules
    for rule in rules:
        assert rule.evidence.detail.strip(), f"{rule.where} {rule.rule}: no words or reason"


def test_every_entry_grades_some_rule():
    evidence = book()
    used = {rule.evidence.entry for rule in evidence.graded_rules()}
    raw = evidence.document["x-nexx-evidence"]
    idle = [
        f"schemas.{key}"
        for key in raw["schemas"]
        if not any(
            entry == f"schemas.{key}" or entry.startswith(f"schemas.{key}.") for entry in used
        )
    ]
    assert not idle, f"entries that grade nothing (a location with no such keyword?): {idle}"


def test_every_status_entry_names_an_operation():
    evidence = book()
    known = set(evidence.operations.values()) | {"*"}
    unknown = set(evidence.document["x-nexx-evidence"]["statuses"]) - known
    assert not unknown, f"statuses of operations the contract does not have: {sorted(unknown)}"


def our_rule_ids() -> set[str]:
    found = set(guessed_rules.RULE_OF_CODE.values()) | {guessed_rules.INVALID_INPUT_REFUSED}
    found |= {checks.NO_PASSWORD, checks.NO_DOMAIN_SECRET, checks.NO_FOREIGN_DATA}
    stack = [checks.NexxRuleBroken]
    while stack:
        kind = stack.pop()
        stack += kind.__subclasses__()
        if kind.rule:
            found.add(kind.rule)
    return found


def test_every_rule_a_check_breaks_is_graded():
    evidence = book()
    missing = our_rule_ids() - set(evidence.rule_ids())
    assert not missing, f"rules the checks break that contracts/evidence.yaml lacks: {missing}"


def test_every_graded_rule_is_asserted_by_some_check():
    # success-result and held-login-needs-factor and response-headers are asserted through
    # the schema and the conformance tests themselves, named in their failures.
    asserted_elsewhere = {"success-result", "held-login-needs-factor", "response-headers"}
    idle = set(book().rule_ids()) - our_rule_ids() - asserted_elsewhere
    assert not idle, f"graded rules no check asserts: {idle}"
