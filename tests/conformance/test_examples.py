"""The quick pass: every operation's documented examples, sent before any deep generation.

A broken target then fails a run with -x within seconds, as the schemathesis CLI does when
it runs every operation's examples first; the deep pass (test_operations.py) generates the
coverage and fuzzing cases afterwards. Same sessions, signing and checks as the deep pass.
"""

from __future__ import annotations

import pytest

from .contract import CONFORMANCE_SETTINGS, EXAMPLES_SCHEMA
from .test_operations import call_and_check, destructive

pytestmark = pytest.mark.quick


@EXAMPLES_SCHEMA.exclude(func=destructive).parametrize()
@CONFORMANCE_SETTINGS
def test_operation_examples_conform_to_the_contract(
    case, case_sessions, target, nexx_config, guessed_warnings
):
    call_and_check(case, case_sessions, target.base_url, nexx_config, guessed_warnings)


@pytest.mark.destructive
@EXAMPLES_SCHEMA.include(func=destructive).parametrize()
@CONFORMANCE_SETTINGS
def test_destructive_operation_examples_conform_to_the_contract(
    case, case_sessions, target, nexx_config, guessed_warnings
):
    call_and_check(case, case_sessions, target.base_url, nexx_config, guessed_warnings)
