"""The step library's media lists are the contract's: written out in the module (read at
every start-up otherwise), checked here against contracts/paths/medialists.yaml."""

from __future__ import annotations

import yaml

from nexx_conformance.contract_check import CONTRACT
from nexx_conformance.steps.media_lists import LISTS


def test_the_lists_are_the_contracts_media_list_operations_in_its_order():
    documented = tuple(yaml.safe_load((CONTRACT.parent / "paths" / "medialists.yaml").read_text()))
    assert LISTS == documented
