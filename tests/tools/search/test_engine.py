"""Search end to end on the fixture catalog with the real encoder, and the `search` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tools.catalog.load import load_catalog
from tools.cli import app
from tools.search.config import SearchConfig
from tools.search.engine import Mode, SearchEngine
from tools.search.errors import SearchError

runner = CliRunner()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory, catalog_writer: Any) -> Path:
    return catalog_writer(tmp_path_factory.mktemp("engine") / "repo")


@pytest.fixture(scope="module")
def engine(root: Path) -> SearchEngine:
    cat, problems = load_catalog(root)
    assert not problems
    return SearchEngine(cat, SearchConfig(root=root))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("transcribe what the doctor says aloud", "audio-to-text"),
        ("make a fake scan from a sentence", "text-to-ct"),
        ("radiotherapy planning using only the magnetic resonance scan", "mri-to-ct"),
    ],
)
def test_paraphrases_find_the_technique(engine: SearchEngine, query: str, expected: str) -> None:
    for mode in (Mode.hybrid, Mode.dense):
        assert engine.search(query, "technique", 3, mode)[0].id == expected


def test_results_are_best_first_with_reasons(engine: SearchEngine) -> None:
    hits = engine.search("chest radiograph report", "technique", 6, Mode.hybrid)
    assert len(hits) == 6
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].id == "x-ray-to-text" and "radiograph" in hits[0].matched
    assert hits[0].cosine is not None
    keyword = engine.search("dictation", "technique", 5, Mode.keyword)
    assert [h.id for h in keyword] == ["audio-to-text"]
    papers = engine.search("speech recognition", "paper", 2)
    assert papers[0].id == "2101.00002"


def test_bad_input_raises_search_error(engine: SearchEngine) -> None:
    with pytest.raises(SearchError, match="empty"):
        engine.search("   ", "technique")
    with pytest.raises(SearchError, match="unknown kind"):
        engine.search("x", "demo")
    with pytest.raises(SearchError, match="--top"):
        engine.search("x", "technique", 0)
    hits = engine.search("chest " * 3000, "technique", 3)
    assert hits and any("characters long" in n for n in engine.notes)


def test_index_is_reused_then_rebuilt_when_stale_or_corrupt(
    root: Path, engine: SearchEngine
) -> None:
    engine.index("technique")
    cat, _ = load_catalog(root)
    warm = SearchEngine(cat, SearchConfig(root=root))
    warm.index("technique")
    assert warm.embedded_now == 0 and warm.notes == []

    path = root / "catalog" / "techniques" / "text-to-text.yaml"
    path.write_text(path.read_text().replace("Summarising", "Condensing"), encoding="utf-8")
    cat, _ = load_catalog(root)
    stale = SearchEngine(cat, SearchConfig(root=root))
    stale.index("technique")
    assert stale.embedded_now == 1

    faiss_file = warm.index_dir / "technique.faiss"
    faiss_file.write_bytes(b"garbage")
    again = SearchEngine(cat, SearchConfig(root=root))
    assert again.search("dictation into notes", "technique", 1)[0].id == "audio-to-text"
    assert any("fails its checksum; rebuilt it" in n for n in again.notes)


def test_tampered_metadata_and_folders_in_place_of_the_index(
    root: Path, engine: SearchEngine
) -> None:
    import json

    engine.index("technique")
    cat, _ = load_catalog(root)
    folder = SearchEngine(cat, SearchConfig(root=root)).index_dir
    meta_path = folder / "technique.json"
    meta = json.loads(meta_path.read_text())
    meta["titles"] = ["\x1b[2J forged"] * len(meta["titles"])
    meta_path.write_text(json.dumps(meta))
    forged = SearchEngine(cat, SearchConfig(root=root))
    hit = forged.search("dictation into notes", "technique", 1, Mode.dense)[0]
    assert hit.title == "Audio to Text" and any("fails its checksum" in n for n in forged.notes)

    (folder / "technique.faiss").unlink()
    (folder / "technique.faiss").mkdir()
    empty = SearchEngine(cat, SearchConfig(root=root))
    assert empty.search("dictation into notes", "technique", 1)[0].id == "audio-to-text"
    assert any("unreadable (IsADirectoryError); rebuilt it" in n for n in empty.notes)
    assert (folder / "technique.faiss").is_file()

    (folder / "technique.faiss").unlink()
    (folder / "technique.faiss").mkdir()
    (folder / "technique.faiss" / "mine.txt").write_text("keep")
    full = SearchEngine(cat, SearchConfig(root=root))
    assert full.search("dictation into notes", "technique", 1)[0].id == "audio-to-text"
    assert any("is a folder with files in it" in n for n in full.notes)
    assert (folder / "technique.faiss" / "mine.txt").read_text() == "keep"
    (folder / "technique.faiss" / "mine.txt").unlink()
    (folder / "technique.faiss").rmdir()


def test_cli_json_contract_and_queries_file(root: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["search", "fake CT from text", "--top", "3", "--json", "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data) == 3 and set(data[0]) == {"id", "score", "title"}
    assert data[0]["id"] == "text-to-ct" and data[0]["score"] >= data[1]["score"]

    qfile = tmp_path / "q.txt"
    qfile.write_text("speech dictation\n\nsynthetic CT from MR\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["search", "--queries", str(qfile), "--kind", "paper", "--top", "2", "--root", str(root)],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3 and lines[1] == []
    assert lines[0][0]["id"] == "2101.00002" and lines[2][0]["id"] == "2101.00003"
    assert f"{qfile}:2: the query is empty" in result.stderr

    table = runner.invoke(app, ["search", "speech dictation", "--top", "2", "--root", str(root)])
    assert table.exit_code == 0 and "audio-to-text" in table.stdout and "score" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "the query is empty"),
        (["search", "x", "--top", "0"], "--top must be between 1 and 1,000 (got 0)"),
        (["search", "x", "--top", "-3"], "--top must be between 1 and 1,000 (got -3)"),
        (["search", "x", "--top", str(10**15)], "--top must be between 1 and 1,000"),
        (["search", "\x00\x07 \x1b"], "the query is empty"),
        (["search", "?! ..."], "the query has no letters or digits"),
        (["search", "x", "--kind", "gene"], "--kind must be one of technique, paper, dataset"),
        (["search", "x", "--kind", "k" * 100_000], "(got `kkkk"),
        (
            ["search", "x", "--mode", "xyz"],
            "--mode must be one of hybrid, dense, keyword (got `xyz`)",
        ),
        (["search", "x", "--mode", ""], "--mode must be one of hybrid, dense, keyword"),
        (["search", "x", "--top", "10**9"], "--top must be a whole number between 1 and 1,000"),
        (["search", "x", "--top", "ten"], "--top must be a whole number between 1 and 1,000"),
        (
            ["search", "x", "--top", str(10**9)],
            "--top must be between 1 and 1,000 (got 1,000,000,000)",
        ),
        (["search"], "give either a QUERY or --queries FILE"),
        (["search", "--queries", "/nonexistent/q.txt"], "no such file"),
        (["search", "x", "--model", "/nonexistent/model"], "is not a local folder"),
    ],
)
def test_cli_bad_input_is_one_clear_line(root: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--root", str(root)])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 and len(result.stderr) < 200
    assert "╭" not in result.output and "Usage:" not in result.output  # no typer box


def test_cli_datasets_keep_the_json_contract(root: Path) -> None:
    result = runner.invoke(
        app, ["search", "FIX-CXR", "--kind", "dataset", "--json", "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == ["fixture-cxr", "fixture-dictation"]
    assert all(set(d) == {"id", "score", "title"} for d in data) and data[0]["title"] == "FIX-CXR"


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("radiograph report " * 6000, "characters long; only its first 989 are used"),
        ("Рентгенограмма грудной клетки", "mostly in a non-Latin script"),
        ("asdfgh qwerty zxcvb", "no close match"),
        ("chest\x00 radiograph\x1b[31m report\x07", None),
        ("胸部X線写真のレポート", "mostly in a non-Latin script"),
    ],
    ids=["100KB", "cyrillic", "nonsense", "control-chars", "japanese"],
)
def test_cli_odd_queries_answer_with_notes(root: Path, query: str, note: str | None) -> None:
    result = runner.invoke(app, ["search", query, "--json", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) > 0 and "Traceback" not in result.output
    assert all(line.startswith("note: ") for line in result.stderr.splitlines())
    if note:
        assert note in result.stderr


def test_direction_is_a_prior_and_explained(engine: SearchEngine) -> None:
    hits = engine.search("synthetic CT from MRI", "technique", 6)
    assert hits[0].id == "mri-to-ct"
    assert "direction matches: MRI → CT" in hits[0].reasons
    assert not any("cosine" in r for h in hits for r in h.reasons)
    reversed_ = {h.id: h for h in engine.search("MRI from CT", "technique", 6)}
    assert "mri-to-ct" in reversed_  # demoted, not hidden
    assert any(
        r.startswith("opposite direction (MRI → CT)") for r in reversed_["mri-to-ct"].reasons
    )
    papers = engine.search("synthetic CT from MRI", "paper", 2)
    assert papers[0].id == "2101.00003" and "filed under MRI to CT" in papers[0].reasons


def test_datasets_are_found_by_name_and_by_filing(engine: SearchEngine) -> None:
    by_name = engine.search("DictaSet", "dataset", 2)
    assert by_name[0].id == "fixture-dictation" and "name matches" in by_name[0].reasons
    by_use = engine.search("write reports for chest radiographs", "dataset", 2)
    assert by_use[0].id == "fixture-cxr"
    assert "filed under X-ray to Text" in by_use[0].reasons


def test_acronyms_are_expanded_and_noted(engine: SearchEngine) -> None:
    engine.notes.clear()
    hits = engine.search("CXR report", "technique", 3)
    assert hits[0].id == "x-ray-to-text"
    assert "`CXR` is read as chest X-ray" in engine.notes


def test_the_plain_ranking_stays_callable(engine: SearchEngine) -> None:
    plain = engine.search("synthetic CT from MRI", "technique", 3, plain=True)
    assert len(plain) == 3 and all(h.reasons == [] for h in plain)
    with pytest.raises(SearchError, match="between 1 and 1,000"):
        engine.search("x", "technique", 1001)
    with pytest.raises(SearchError, match="unknown kind `gene`"):
        engine.search("x", "gene")


def test_unrelated_queries_carry_the_no_close_match_note(engine: SearchEngine) -> None:
    engine.notes.clear()
    far = engine.search_result("asdfgh qwerty zxcvbn", "technique", 3)
    assert not far.close and far.hits
    assert any(n.startswith("no close match among the techniques") for n in engine.notes)
    near = engine.search_result("transcribe clinical dictation", "technique", 3)
    assert near.close


def test_a_paper_is_found_by_its_titles_name_as_typed(tmp_path: Path, catalog_writer: Any) -> None:
    # a paper about dictation: only its name ties it to the query below
    extra = {"2101.00009": ("EHR-Safe: Listening to Dictated Notes", "audio-to-text")}
    cat, problems = load_catalog(catalog_writer(tmp_path / "repo", extra_papers=extra))
    assert not problems
    engine = SearchEngine(cat, SearchConfig(root=tmp_path / "repo"))
    # EHR is expanded ("EHR (electronic health record)-Safe"), so the name is matched as typed
    hits = engine.search("EHR-Safe for chest radiograph reports", "paper", 3)
    assert hits[0].id == "2101.00009" and "name matches" in hits[0].reasons
    other = engine.search("chest radiograph reports", "paper", 3)
    assert other[0].id == "2101.00001" and all("name matches" not in h.reasons for h in other)
