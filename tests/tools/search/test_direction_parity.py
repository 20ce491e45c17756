"""query.js reads queries as tools/search/understand.py does: the same cases file, run in node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tools.catalog.load import load_catalog
from tools.search.query import clean_query
from tools.search.understand import QueryReader

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).parent
CASES: list[dict[str, Any]] = YAML(typ="safe").load(
    (HERE / "data" / "direction_cases.yaml").read_text(encoding="utf-8")
)["cases"]
EXTRA = [
    "LLMs and GANs for CXRs",
    "US of the liver, then show us",
    "Röntgen: x-ray images from text, 2 of them",
    "x" * 1200 + " CT from MRI",
    "Мрт из кт",
]


def node_read(tmp_path: Path, reader: QueryReader, queries: list[str]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    (tmp_path / "u.json").write_text(json.dumps(reader.export()), encoding="utf-8")
    (tmp_path / "q.json").write_text(json.dumps(queries), encoding="utf-8")
    done = subprocess.run(
        [
            node,
            str(HERE / "js" / "read_queries.mjs"),
            str(tmp_path / "u.json"),
            str(tmp_path / "q.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


def test_node_reads_every_case_as_python_does(tmp_path: Path) -> None:
    cat, _ = load_catalog(REPO)
    reader = QueryReader(cat.modalities)
    queries = [c["q"] for c in CASES] + EXTRA
    got = node_read(tmp_path, reader, queries)
    assert len(got) == len(queries)
    for case, js in zip(CASES, got, strict=False):
        expected = {
            "inputs": case.get("in", []),
            "outputs": case.get("out", []),
            "mentioned": case.get("mentioned", []),
        }
        assert js["direction"] == expected, case["q"]
    for query, js in zip(queries, got, strict=True):
        text, _ = clean_query(query)
        u = reader.read(text)
        assert js["text"] == u.text, query
        assert [tuple(e) for e in js["expansions"]] == list(u.expansions), query
        d = u.direction
        assert js["direction"] == {
            "inputs": list(d.inputs),
            "outputs": list(d.outputs),
            "mentioned": list(d.mentioned),
        }, query


def test_node_refuses_empty_queries_with_a_message(tmp_path: Path) -> None:
    cat, _ = load_catalog(REPO)
    got = node_read(tmp_path, QueryReader(cat.modalities), ["", "   \u0000\t", "?!"])
    assert [g["problem"].split(":")[0] for g in got] == [
        "The query is empty",
        "The query is empty",
        "The query has no letters or digits",
    ]
