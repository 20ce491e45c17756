"""pr-comment.yml's script, run under node with GitHub's API faked: a forged PR number posts nothing.

The artifact (PR number, report, exit code) comes from the pull request's own CI run, which a fork
controls. The script must only comment on the PR whose head is the commit the run was for.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "pr-comment.yml"
NODE = shutil.which("node")

HARNESS = """
const fs = require('fs');
const {script, run, pr} = JSON.parse(fs.readFileSync('case.json', 'utf8'));
const calls = [];
const github = {rest: {
  pulls: {get: async (a) => { calls.push(['get', a.pull_number]); return {data: pr}; }},
  issues: {createComment: async (a) => { calls.push(['comment', a.issue_number, a.body]); }},
}};
const core = {setFailed: (m) => calls.push(['failed', m])};
const context = {payload: {workflow_run: run}, repo: {owner: 'medgen', repo: 'atlas'}};
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core)
  .then(() => console.log(JSON.stringify(calls)));
"""

RUN = {"id": 77, "head_sha": "a" * 40, "head_repository": {"full_name": "fork/atlas"}}
PR = {"state": "open", "head": {"sha": "a" * 40, "repo": {"full_name": "fork/atlas"}}}


def script() -> str:
    data = yaml.safe_load(WORKFLOW.read_text())
    steps = data["jobs"]["comment"]["steps"]
    return next(s["with"]["script"] for s in steps if "github-script" in s.get("uses", ""))


def run_script(tmp_path: Path, number: str, pr: dict[str, Any], run: dict[str, Any] = RUN) -> Any:
    if NODE is None:
        pytest.skip("node is not installed")
    (tmp_path / "pr-number.txt").write_text(number)
    (tmp_path / "validation-exit.txt").write_text("1\n")
    (tmp_path / "validation.txt").write_text("catalog/papers/x.yaml:3: title: bad ``` fence\n")
    (tmp_path / "case.json").write_text(json.dumps({"script": script(), "run": run, "pr": pr}))
    (tmp_path / "harness.js").write_text(HARNESS)
    out = subprocess.run(
        [NODE, "harness.js"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout)


def test_the_runs_own_pr_gets_the_comment(tmp_path: Path) -> None:
    calls = run_script(tmp_path, "42\n", PR)
    assert [c[:2] for c in calls] == [["get", 42], ["comment", 42]]
    body = calls[1][2]
    assert body.startswith("Validation found problems:") and "```\ncatalog/papers/x.yaml:3" in body
    assert "bad ''' fence" in body  # the report cannot close the code block


@pytest.mark.parametrize(
    ("pr", "run"),
    [
        ({**PR, "head": {**PR["head"], "sha": "b" * 40}}, RUN),  # another PR's head commit
        ({**PR, "head": {"sha": "a" * 40, "repo": {"full_name": "other/atlas"}}}, RUN),
        ({**PR, "head": {"sha": "a" * 40, "repo": None}}, RUN),  # the fork was deleted
        ({**PR, "state": "closed"}, RUN),
        (PR, {**RUN, "head_repository": None}),
    ],
)
def test_a_pr_number_that_is_not_the_runs_posts_nothing(
    tmp_path: Path, pr: dict[str, Any], run: dict[str, Any]
) -> None:
    calls = run_script(tmp_path, "42", pr, run)
    assert calls[0] == ["get", 42]
    assert calls[1][0] == "failed" and "PR #42 is not the pull request of run 77" in calls[1][1]
    assert len(calls) == 2


@pytest.mark.parametrize("number", ["12abc", "0", "-3", "1e3", "", "99999999999", "4 2"])
def test_a_malformed_pr_number_is_refused_before_any_call(tmp_path: Path, number: str) -> None:
    calls = run_script(tmp_path, number, PR)
    assert len(calls) == 1 and calls[0][0] == "failed" and "bad PR number" in calls[0][1]
