"""The CI pipelines to copy: the GitHub workflow and the GitLab example in docs/ci.md agree
with the suite (its commands, every NEXX_* value a staging run reads, reports kept on failure).

actionlint checks the workflow's syntax and expressions (`tox -e lint`); these tests check
what actionlint cannot know.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from nexx_conformance import constants as c

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "conformance.yml"
CI_DOC = ROOT / "docs" / "ci.md"
# What a staging run is configured by and must come from the CI's secrets.
STAGING_SECRETS = sorted(
    {
        c.ENV[name]
        for name in ("target", "domain_id", "domain_secret", "eternal_cid", "mailbox", "sms_inbox")
    }
    | {c.ENV_DOMAIN_AUTOAUTHORIZE, c.ENV_DOMAIN_SMS_2FA}
)


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def triggers() -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean true.
    document = workflow()
    return document.get("on", document.get(True))


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def uploads(job: dict) -> list[dict]:
    return [
        step
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/upload-artifact@")
    ]


def gitlab_example() -> dict:
    blocks = re.findall(r"```yaml\n(# \.gitlab-ci\.yml\n.*?)```", CI_DOC.read_text(), re.DOTALL)
    assert len(blocks) == 1, "docs/ci.md shows one .gitlab-ci.yml"
    return yaml.safe_load(blocks[0])


def test_pull_requests_and_main_run_the_project_test_command_with_caches():
    assert {"pull_request", "push"} <= set(triggers())
    job = workflow()["jobs"]["tox"]
    assert "uv run tox" in runs(job)
    setup = {
        step["uses"].split("@")[0]: step.get("with", {}) for step in job["steps"] if "uses" in step
    }
    assert setup["astral-sh/setup-uv"]["enable-cache"] is True
    assert setup["actions/setup-node"]["cache"] == "npm"


def test_staging_runs_nightly_and_by_hand_with_every_secret():
    assert {"schedule", "workflow_dispatch"} <= set(triggers())
    job = workflow()["jobs"]["staging"]
    assert "uv run tox -e staging" in runs(job)
    for name in STAGING_SECRETS:
        assert job["env"].get(name) == f"${{{{ secrets.{name} }}}}", f"{name} not from secrets"


def test_the_exploratory_run_is_nightly_and_by_hand_with_a_fresh_seed_and_no_secret():
    job = workflow()["jobs"]["explore"]
    assert "schedule" in job["if"] and "workflow_dispatch" in job["if"]
    assert "uv run tox -e explore" in runs(job)
    assert job["env"][c.ENV["seed"]] == "${{ github.event.inputs.seed }}"
    assert int(job["env"][c.ENV["max_examples"]]) > c.DEFAULT_MAX_EXAMPLES
    assert "secrets." not in yaml.safe_dump(job)
    assert "seed" in triggers()["workflow_dispatch"]["inputs"]


def test_pull_requests_stay_seeded():
    # The pull-request run is the recorded generation: nothing sets a seed or examples there.
    job = workflow()["jobs"]["tox"]
    assert not {c.ENV["seed"], c.ENV["max_examples"]} & set(job.get("env", {}))
    assert all("--seed" not in command for command in runs(job))


@pytest.mark.parametrize("job_name", ["tox", "staging", "explore"])
def test_reports_are_uploaded_also_after_a_failure(job_name):
    (upload,) = uploads(workflow()["jobs"][job_name])
    assert upload["with"]["path"] == "reports/"
    assert "cancelled()" in upload["if"]  # not `success()`, the default


def test_gitlab_example_runs_the_same_commands_and_keeps_reports():
    example = gitlab_example()
    assert "uv run tox" in example["tests"]["script"]
    assert "uv run tox -e staging" in example["staging"]["script"]
    assert "uv run tox -e explore" in example["explore"]["script"]
    assert int(example["explore"]["variables"][c.ENV["max_examples"]]) > c.DEFAULT_MAX_EXAMPLES
    for job in ("tests", "staging", "explore"):
        assert example[job]["artifacts"]["when"] == "always"
        assert example[job]["artifacts"]["paths"] == ["reports/"]


def test_the_docs_name_every_staging_secret():
    text = CI_DOC.read_text(encoding="utf-8")
    missing = [name for name in STAGING_SECRETS if f"`{name}`" not in text]
    assert not missing, f"docs/ci.md does not explain {missing}"


def test_a_scheduled_job_runs_the_tests_with_the_newest_versions_the_ranges_allow():
    job = workflow()["jobs"]["newest-allowed"]
    assert "schedule" in job["if"]
    commands = [step.get("run", "") for step in job["steps"]]
    upgrade = next(i for i, run in enumerate(commands) if "uv lock --upgrade" in run)
    tox = next(i for i, run in enumerate(commands) if run.strip() == "uv run tox")
    assert upgrade < tox and not any("--frozen" in run for run in commands)
    gitlab = CI_DOC.read_text(encoding="utf-8")
    assert "newest-allowed:" in gitlab and "    - uv lock --upgrade" in gitlab


def test_every_dependency_range_stops_below_the_next_major():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ranges = project["project"]["dependencies"] + project["dependency-groups"]["dev"]
    assert ranges and all("<" in requirement for requirement in ranges), [
        requirement for requirement in ranges if "<" not in requirement
    ]
