import inspect

from hypothesis.internal.conjecture import providers

import nexx_conformance.checks  # noqa: F401 - a project module full of string literals
from nexx_conformance.plugin import without_source_constants


def test_hypothesis_still_reads_local_constants_where_the_plugin_empties_them():
    # without_source_constants replaces this private function; if hypothesis stops calling
    # it, our literals would reach generated cases again and cassettes go stale on edits.
    assert "_get_local_constants()" in inspect.getsource(providers.HypothesisProvider)


def test_project_literals_do_not_reach_generation():
    without_source_constants()  # the plugin did this at configure time already
    constants = providers._get_local_constants()
    assert not constants.strings and not constants.integers and not constants.floats
