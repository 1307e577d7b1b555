"""Every option of the suite, in one group (`nexx`, `pytest --help`), and how each is read.

Each option can also come from its environment variable (constants.ENV). Priority, for
every option: command line > environment variable > default. The defaults that depend on
the target (secret, destructive, side effects, guessed rules) are the target kind's
(nexx_conformance.targets); the others are written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nexx_conformance import constants as c
from nexx_conformance.config import Getter, bad_flag, chosen

GROUP = "nexx"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "nexx_tests",
        type="paths",
        help="directories of nexx conformance and scenario tests: a run that collects from one "
        "of them (or names a --target) switches the nexx engine on (target, patches, reports)",
    )
    add = parser.getgroup(GROUP, "nexx conformance suite").addoption
    add(
        "--target",
        dest="nexx_target",
        metavar="TARGET",
        help=f"{' | '.join(c.TARGET_KEYWORDS)} | a base URL such as https://staging.example.com/v3.1 "
        f"(default {c.TARGET_REFERENCE}; env {c.ENV['target']})",
    )
    add(
        "--domain-id",
        dest="nexx_domain_id",
        metavar="ID",
        help=f"the domain under test (default {c.DEFAULT_DOMAIN_ID}; env {c.ENV['domain_id']})",
    )
    add(
        "--domain-secret",
        dest="nexx_domain_secret",
        metavar="SECRET",
        help=f"the domain secret (reference: random per run; env {c.ENV['domain_secret']})",
    )
    add(
        "--eternal-cid",
        dest="nexx_eternal_cid",
        metavar="CID",
        help=f"the eternal (backend) session id (reference: generated; env {c.ENV['eternal_cid']})",
    )
    add(
        "--mailbox",
        dest="nexx_mailbox",
        metavar="URL",
        help=f"where mails arrive: {' | '.join(s + '://HOST:PORT' for s in c.MAILBOX_SCHEMES)} "
        f"(reference: an SMTP sink on a free port; env {c.ENV['mailbox']})",
    )
    add(
        "--sms-inbox",
        dest="nexx_sms_inbox",
        metavar="URL",
        help=f"where SMS arrive: webhook://HOST:PORT receives POST /sms "
        f"(reference: on a free port; env {c.ENV['sms_inbox']})",
    )
    # Two plain flags, not one with an optional value: `--allow-destructive tests/x` must not
    # read the path as the flag's value.
    add(
        "--allow-destructive",
        dest="nexx_allow_destructive",
        action="store_const",
        const="yes",
        help=f"run tests marked destructive (default: yes on reference/replay, no on URLs; "
        f"env {c.ENV['allow_destructive']}={c.YES}|{c.NO})",
    )
    add(
        "--no-allow-destructive",
        dest="nexx_allow_destructive",
        action="store_const",
        const="no",
        help="skip tests marked destructive, whatever the target",
    )
    add(
        "--allow-side-effects",
        dest="nexx_allow_side_effects",
        action="store_const",
        const="yes",
        help=f"call operations that mail or text (x-nexx-side-effects: register, requestpass, "
        f"requestkeycode, ...) with generated data (default: yes on reference/replay, no on "
        f"URLs; env {c.ENV['allow_side_effects']}={c.YES}|{c.NO})",
    )
    add(
        "--no-allow-side-effects",
        dest="nexx_allow_side_effects",
        action="store_const",
        const="no",
        help="skip the generated cases of operations that mail or text, whatever the target",
    )
    add(
        "--guessed-rules",
        dest="nexx_guessed_rules",
        choices=c.GUESSED_RULES_MODES,
        help=f"a failure that breaks only rules the contract guessed (contracts/evidence.yaml): "
        f"warn (listed apart from failures) or fail (default: warn on a URL target, fail on "
        f"reference/replay; env {c.ENV['guessed_rules']})",
    )
    add(
        "--deviations",
        dest="nexx_deviations",
        metavar="FILE",
        help=f"known deviations (YAML: operation, check, reason, until): a failure an entry "
        f"matches is an expected failure; an expired entry fails the run; docs/staging.md "
        f"(env {c.ENV['deviations']})",
    )
    add(
        "--flow",
        dest="nexx_flow",
        action="append",
        metavar="ID",
        choices=c.FLOWS,
        help=f"run only the scenarios of this flow (repeatable; env {c.ENV['flow']}, comma-separated): "
        f"{', '.join(c.FLOWS)} (nexx_conformance.constants.FLOWS)",
    )
    add(
        "--seed",
        dest="nexx_seed",
        metavar="N",
        help=f"the seed the conformance tests generate their cases from (default "
        f"{c.DEFAULT_SEED}, the recorded run; env {c.ENV['seed']}); another seed needs a live "
        "target, and a failed run prints the command that reproduces it",
    )
    add(
        "--max-examples",
        dest="nexx_max_examples",
        metavar="N",
        help=f"generated cases per operation and test (default {c.DEFAULT_MAX_EXAMPLES}, the "
        f"recorded run; the linked sequences run 5 at a time, one run per 10; env "
        f"{c.ENV['max_examples']})",
    )
    add(
        "--contract",
        dest="nexx_contract",
        metavar="FILE",
        help=f"the contract to test against: the root document of a copy of contracts/ (its "
        f"bundled/ file beside it, built by scripts/bundle-contract), e.g. a team's calibrated "
        f"copy (default: the package's own; env {c.ENV['contract']}); write --contract=FILE: "
        "pytest takes a separate FILE for a test path when it looks for the rootdir",
    )
    add(
        "--report-dir",
        dest="nexx_report_dir",
        metavar="DIR",
        help=f"where junit.xml, report.html and {c.COVERAGE_FILE} go "
        f"(default {c.DEFAULT_REPORT_DIR}/; env {c.ENV['report_dir']}); write --report-dir=DIR: "
        "pytest takes a separate DIR for a test path when it looks for the rootdir",
    )
    add(
        "--calibration-overlay",
        dest="nexx_calibration_overlay",
        metavar="FILE",
        help=f"where the run writes the contract change it implies, an OpenAPI Overlay "
        f"(default <report dir>/{c.CALIBRATION_FILE}; env {c.ENV['calibration_overlay']}); "
        "scripts/calibrate-contract FILE applies it, docs/staging.md",
    )
    add(
        "--coverage-table",
        dest="nexx_coverage_table",
        action="store_const",
        const="yes",
        help="end the run with the contract coverage table (one row per operation) instead of "
        f"its one-line summary (env {c.ENV['coverage_table']}={c.YES}|{c.NO})",
    )


def target_options(config: pytest.Config) -> Getter:
    """The command-line values config.resolve reads (it applies the environment and defaults)."""
    return lambda name: config.getoption(f"nexx_{name}")


def selected_flows(config: pytest.Config) -> set[str]:
    """The flows asked for: --flow (repeatable) > NEXX_FLOW (comma-separated) > all."""
    given = chosen(config.getoption("nexx_flow", None), "flow", default="")
    if isinstance(given, list):
        return set(given)
    words = {word.strip() for word in given.split(",") if word.strip()}
    unknown = sorted(words - set(c.FLOWS))
    if unknown:
        raise pytest.UsageError(
            f"{c.ENV['flow']} names unknown flows {', '.join(unknown)}; known: {', '.join(c.FLOWS)} "
            "(nexx_conformance.constants.FLOWS, src/nexx_conformance/constants.py)"
        )
    return words


def report_dir(config: pytest.Config) -> Path:
    """The report directory: --report-dir > NEXX_REPORT_DIR > reports/ (below the rootdir)."""
    given = chosen(config.getoption("nexx_report_dir", None), "report_dir", c.DEFAULT_REPORT_DIR)
    path = Path(given)
    if not path.is_absolute():
        path = Path(config.rootpath) / path
    return path


def calibration_overlay(config: pytest.Config) -> Path:
    """Priority: --calibration-overlay > NEXX_CALIBRATION_OVERLAY > <report dir>/
    calibration.overlay.yaml; a relative path is below the rootdir, as the report dir's."""
    given = chosen(config.getoption("nexx_calibration_overlay", None), "calibration_overlay")
    if not given:
        return report_dir(config) / c.CALIBRATION_FILE
    path = Path(given)
    return path if path.is_absolute() else Path(config.rootpath) / path


def wants_coverage_table(config: pytest.Config) -> bool:
    """Priority: --coverage-table > NEXX_COVERAGE_TABLE (yes/no) > no (the one-line summary)."""
    raw = chosen(config.getoption("nexx_coverage_table", None), "coverage_table", default="")
    word = raw.strip().lower()
    if word in ("", *c.FALSE_WORDS):
        return False
    if word in c.TRUE_WORDS:
        return True
    raise pytest.UsageError(bad_flag(c.ENV["coverage_table"], raw))


def deviations_file(config: pytest.Config) -> Path | None:
    """Priority: --deviations > NEXX_DEVIATIONS > none (no baseline)."""
    given = chosen(config.getoption("nexx_deviations", None), "deviations")
    return Path(given) if given else None
