"""Lint the GitHub workflows against GitHub's hardening advice (actionlint does not install offline).

Rules: valid YAML; least-privilege `permissions` at the top (read-only) with writes granted per job;
every action pinned to a full commit SHA; no `pull_request_target`; a job that holds a write token
never checks out or runs the pull request's code; jobs have time limits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = sorted((Path(__file__).resolve().parents[2] / ".github" / "workflows").glob("*.yml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.load(
        path.read_text(), Loader=yaml.BaseLoader
    )  # BaseLoader: `on` stays a string key
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def lint(data: dict[str, Any]) -> list[str]:
    """Problems in one workflow (empty when it follows the rules)."""
    problems = []
    triggers = data.get("on", {})
    names = (
        set(triggers)
        if isinstance(triggers, dict)
        else set(triggers if isinstance(triggers, list) else [triggers])
    )
    if "pull_request_target" in names:
        problems.append("uses pull_request_target")
    top = data.get("permissions")
    if not isinstance(top, dict) or any(v != "read" for v in top.values()):
        problems.append("top-level permissions must exist and be read-only")
    for job_name, job in data.get("jobs", {}).items():
        if "timeout-minutes" not in job:
            problems.append(f"{job_name}: no timeout-minutes")
        perms = job.get("permissions", {})
        writes = isinstance(perms, dict) and any(v == "write" for v in perms.values())
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses and not SHA_PIN.match(uses):
                problems.append(f"{job_name}: `{uses}` is not pinned to a commit SHA")
            if writes and uses and uses.startswith("actions/checkout@") and "workflow_run" in names:
                problems.append(
                    f"{job_name}: checks out code while holding a write token in workflow_run"
                )
            with_ = step.get("with", {})
            if writes and isinstance(with_, dict) and "head" in str(with_.get("ref", "")):
                problems.append(f"{job_name}: checks out the PR head with a write token")
            if (
                uses
                and uses.startswith("actions/checkout@")
                and with_.get("persist-credentials") != "false"
            ):
                problems.append(f"{job_name}: checkout without persist-credentials: false")
    return problems


def test_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pr-comment.yml", "links.yml", "pages.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_follows_hardening_rules(path: Path) -> None:
    assert lint(load(path)) == []


def test_pr_comment_runs_from_workflow_run_without_checkout() -> None:
    data = load(next(p for p in WORKFLOWS if p.name == "pr-comment.yml"))
    assert set(data["on"]) == {"workflow_run"}
    steps = [s.get("uses", "") for job in data["jobs"].values() for s in job["steps"]]
    assert not any(u.startswith("actions/checkout@") for u in steps)


def test_the_linter_catches_violations() -> None:
    bad = {
        "on": {"pull_request_target": {}},
        "permissions": {"contents": "write"},
        "jobs": {
            "x": {
                "permissions": {"pull-requests": "write"},
                "steps": [
                    {
                        "uses": "actions/checkout@v4",
                        "with": {"ref": "${{ github.event.pull_request.head.sha }}"},
                    },
                ],
            }
        },
    }
    problems = lint(bad)
    assert "uses pull_request_target" in problems
    assert "top-level permissions must exist and be read-only" in problems
    assert "x: no timeout-minutes" in problems
    assert "x: `actions/checkout@v4` is not pinned to a commit SHA" in problems
    assert "x: checks out the PR head with a write token" in problems
    assert "x: checkout without persist-credentials: false" in problems
