"""The suite's in-process reference target is always the correct server: no fault or
variant of nexx_reference.faults is ever switched on for it, whatever the environment."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nexx_conformance import constants as c
from nexx_conformance.targets import reference_settings


def test_the_in_process_target_switches_no_fault_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # Names an earlier design read from the environment: they must change nothing.
    monkeypatch.setenv("NEXX_REFERENCE_FAULTS", "signature-not-checked")
    monkeypatch.setenv("NEXX_REFERENCE_VARIANTS", "gzip")
    config = SimpleNamespace(domain_id=4711, domain_secret="s3cret", eternal_cid=None,
                             extra_domains={c.DOMAIN_AUTOAUTHORIZE: 4712, c.DOMAIN_SMS_2FA: 4713})
    assert reference_settings(config, None, None).faults == ()
