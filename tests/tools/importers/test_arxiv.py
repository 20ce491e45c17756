"""`tools add-paper`: the real arxiv client against a local server replaying recorded Atom answers."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from tools.catalog.load import load_catalog
from tools.cli import app
from tools.importers.arxiv import TODO_SUMMARY, Fetcher, ImportFailure, parse_arxiv_ref

DATA = Path(__file__).parents[1] / "data" / "arxiv"
runner = CliRunner()


class Replay(http.server.BaseHTTPRequestHandler):
    """Answers by id: recorded feeds, a 503, a slow answer."""

    hits: ClassVar[dict[str, int]] = {}

    def do_GET(self) -> None:
        ids = parse_qs(urlsplit(self.path).query).get("id_list", [""])[0]
        Replay.hits[ids] = Replay.hits.get(ids, 0) + 1
        files = {
            "2101.00009": "normal.xml",
            "2101.00010": "withdrawn.xml",
            "2101.99999": "unknown.xml",
            "2101.00066": "malformed.xml",
        }
        if ids == "2101.00503":
            self.send_response(503)
            self.end_headers()
            return
        if ids == "2101.00777":
            time.sleep(1.5)
        body = (DATA / files.get(ids, "normal.xml")).read_bytes()
        if ids in TITLES:  # the normal paper under another id, with a hostile title
            body = body.replace(b"2101.00009", ids.encode())
            body = body.replace(
                b"Generating Radiology\n  Reports from Chest Radiographs", TITLES[ids].encode()
            )
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, *args: object) -> None:
        pass


TITLES = {
    "2101.00600": "Generating Radiology Reports " + "at length " * 60,  # 600+ characters
    "2101.00027": "Generating Radiology Reports &#27;[31mred",  # an ESC in the title
}


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/query?{{}}"
    server.shutdown()


@pytest.fixture
def env(api: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MEDGEN_ARXIV_API", api)
    return api


def fetcher(api: str, **kw: float) -> Fetcher:
    return Fetcher(api_url=api, sleep=lambda s: None, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("2410.13823", "2410.13823"),
        ("2410.13823v3", "2410.13823"),
        ("arXiv:2410.13823", "2410.13823"),
        ("https://arxiv.org/abs/2410.13823v1", "2410.13823"),
        ("https://arxiv.org/pdf/2410.13823.pdf", "2410.13823"),
    ],
)
def test_parse_refs(ref: str, expected: str) -> None:
    assert parse_arxiv_ref(ref) == expected


def test_parse_ref_rejects_garbage() -> None:
    with pytest.raises(ImportFailure, match="not an arXiv id"):
        parse_arxiv_ref("https://example.org/2410.13823")


def test_fetch_normal_paper(api: str) -> None:
    rec = fetcher(api).fetch("2101.00009")
    assert rec.title == "Generating Radiology Reports from Chest Radiographs"
    assert rec.authors == ["Ada Lovelace", "Alan Turing"]
    assert rec.published.year == 2021
    assert rec.categories == ["cs.CV", "cs.CL"]
    assert rec.doi == "10.1000/fictional.2021.9"
    assert not rec.withdrawn


def test_withdrawn_is_detected(api: str) -> None:
    assert fetcher(api).fetch("2101.00010").withdrawn


def test_unknown_id(api: str) -> None:
    with pytest.raises(ImportFailure, match=r"no paper with id 2101\.99999"):
        fetcher(api).fetch("2101.99999")


def test_503_retries_with_backoff_then_gives_up(api: str) -> None:
    waits: list[float] = []
    before = Replay.hits.get("2101.00503", 0)
    f = Fetcher(api_url=api, retries=3, backoff=0.5, sleep=waits.append)
    with pytest.raises(ImportFailure, match="after 4 tries: arXiv answered HTTP 503"):
        f.fetch("2101.00503")
    assert waits == [0.5, 1.0, 2.0]
    assert Replay.hits["2101.00503"] - before == 4


def test_malformed_feed(api: str) -> None:
    with pytest.raises(ImportFailure, match="malformed"):
        fetcher(api, retries=1).fetch("2101.00066")


def test_slow_answer_times_out(api: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ImportFailure, match=r"did not answer within 0\.3 s"):
        fetcher(api, timeout=0.3, retries=1).fetch("2101.00777")
    assert time.perf_counter() - start < 1.4


def test_offline_gives_clear_message() -> None:
    f = Fetcher(api_url="http://127.0.0.1:9/api/query?{}", retries=1, sleep=lambda s: None)
    with pytest.raises(ImportFailure, match="could not connect to arXiv"):
        f.fetch("2101.00009")


def test_add_paper_cli_creates_then_is_idempotent(catalog_root: Path, env: str) -> None:
    args = ["add-paper", "2101.00009", "-t", "x-ray-to-text", "--root", str(catalog_root)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    path = catalog_root / "catalog/papers/2101.00009.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/paper.schema.json\n")
    assert "TODO" in text and "fictional method" not in text  # the abstract is not pasted
    _cat, problems = load_catalog(catalog_root)
    assert [(p.field, "TODO" in p.message) for p in problems] == [("summary", True)]
    refused = runner.invoke(app, args)  # add-paper works on a checked catalog only
    assert refused.exit_code == 1 and path.read_text() == text
    assert "catalog/papers/2101.00009.yaml:" in refused.output and "TODO" in refused.output
    text = text.replace(TODO_SUMMARY, "Writes chest X-ray reports.")
    path.write_text(text)
    second = runner.invoke(app, args)
    assert second.exit_code == 0 and "up to date" in second.output
    assert path.read_text() == text
    third = runner.invoke(app, [*args, "--update"])
    assert third.exit_code == 0 and path.read_text() == text


def test_update_keeps_what_people_wrote(catalog_root: Path, env: str) -> None:
    path = catalog_root / "catalog/papers/2101.00009.yaml"
    assert (
        runner.invoke(
            app, ["add-paper", "2101.00009", "-t", "x-ray-to-text", "--root", str(catalog_root)]
        ).exit_code
        == 0
    )
    text = path.read_text()
    text = text.replace(
        "title: Generating Radiology Reports from Chest Radiographs", "title: An Old Title"
    )
    text = text.replace(
        "summary: TODO write one to three sentences in your own words (never paste the abstract).",
        "summary: Writes chest X-ray reports.  # reviewed by a maintainer",
    )
    text = text.replace("kind: method", "# hand-written comment kept\nkind: method")
    path.write_text(text)
    refused = runner.invoke(app, ["add-paper", "2101.00009", "--root", str(catalog_root)])
    assert refused.exit_code == 1 and "--update" in refused.output
    assert path.read_text() == text
    done = runner.invoke(app, ["add-paper", "2101.00009", "--update", "--root", str(catalog_root)])
    assert done.exit_code == 0, done.output
    after = path.read_text()
    assert "title: Generating Radiology Reports from Chest Radiographs" in after
    assert "summary: Writes chest X-ray reports.  # reviewed by a maintainer" in after
    assert "# hand-written comment kept" in after
    _, problems = load_catalog(catalog_root)
    assert problems == []


def test_add_paper_refuses_withdrawn_and_unknown_technique(catalog_root: Path, env: str) -> None:
    res = runner.invoke(
        app, ["add-paper", "2101.00010", "-t", "x-ray-to-text", "--root", str(catalog_root)]
    )
    assert res.exit_code == 1 and "withdrawn" in res.output
    res = runner.invoke(
        app, ["add-paper", "2101.00009", "-t", "xray-to-text", "--root", str(catalog_root)]
    )
    assert res.exit_code == 1 and "did you mean `x-ray-to-text`" in res.output
    assert not (catalog_root / "catalog/papers/2101.00010.yaml").exists()
    assert not (catalog_root / "catalog/papers/2101.00009.yaml").exists()


def test_add_paper_failure_writes_nothing(catalog_root: Path, env: str) -> None:
    res = runner.invoke(
        app,
        [
            "add-paper",
            "2101.00503",
            "-t",
            "x-ray-to-text",
            "--retries",
            "0",
            "--root",
            str(catalog_root),
        ],
    )
    assert res.exit_code == 1 and "HTTP 503" in res.output and "nothing was written" in res.output
    assert sorted(p.name for p in (catalog_root / "catalog/papers").iterdir()) == [
        "2101.00001.yaml"
    ]


def test_no_terminal_and_no_technique_asks_for_one(
    catalog_root: Path, env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tools.importers.suggest

    monkeypatch.setattr(
        tools.importers.suggest,
        "suggest_techniques",
        lambda cat, t, a, k=3: [("x-ray-to-text", 0.61), ("audio-to-text", 0.12)],
    )
    res = runner.invoke(app, ["add-paper", "2101.00009", "--root", str(catalog_root)])
    assert res.exit_code == 1 and "pass --technique" in res.output
    assert "1. x-ray-to-text" in res.output
    res = runner.invoke(app, ["add-paper", "2101.00009", "--yes", "--root", str(catalog_root)])
    assert res.exit_code == 0, res.output
    assert (
        "techniques: [x-ray-to-text]"
        in (catalog_root / "catalog/papers/2101.00009.yaml").read_text()
    )


def test_from_bibtex(catalog_root: Path, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{doe2020,\n  title={Synthetic {CT} from {MRI}},\n  author={Doe, Jane and Roe, Richard},\n"
        "  journal={Journal of Tests},\n  year={2020},\n  doi={10.1000/TEST.42}\n}\n\n"
        "@misc{nodoi,\n  title={No identifier},\n  author={X, Y},\n  year={2019}\n}\n"
    )
    args = [
        "add-paper",
        "--from-bibtex",
        str(bib),
        "-t",
        "x-ray-to-text",
        "--root",
        str(catalog_root),
    ]
    res = runner.invoke(app, args)
    assert res.exit_code == 1  # one entry could not be used, and says where
    assert f"{bib}:9: nodoi: needs a `doi`" in res.output
    text = (catalog_root / "catalog/papers/10-1000-test-42.yaml").read_text()
    assert "title: Synthetic CT from MRI" in text and "authors: [Jane Doe, Richard Roe]" in text
    assert "venue: Journal of Tests" in text
    assert load_catalog(catalog_root)[1][0].field == "summary"  # valid YAML: only the TODO is left
    path = catalog_root / "catalog/papers/10-1000-test-42.yaml"
    path.write_text(text.replace(TODO_SUMMARY, "Synthesises CT from MRI."))
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "exists; left unchanged" in again.output
    assert "nodoi" in again.output


def _add(root: Path, *args: str) -> Any:
    return runner.invoke(app, ["add-paper", *args, "--root", str(root)])


def _added(root: Path) -> Path:
    """2101.00009 added, with its summary written (add-paper needs a valid catalog to run)."""
    res = _add(root, "2101.00009", "-t", "x-ray-to-text")
    assert res.exit_code == 0, res.output
    path = root / "catalog/papers/2101.00009.yaml"
    path.write_text(path.read_text().replace(TODO, "Writes chest X-ray reports."))
    return path


TODO = "TODO write one to three sentences in your own words (never paste the abstract)."


@pytest.mark.parametrize("hostile", sorted(TITLES))
def test_an_update_that_would_break_the_schema_is_refused(
    catalog_root: Path, env: str, hostile: str
) -> None:
    good = catalog_root / f"catalog/papers/{hostile}.yaml"
    _added(catalog_root).rename(good)
    good.write_text(good.read_text().replace("2101.00009", hostile))
    before = good.read_text()
    res = _add(catalog_root, hostile, "--update")
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"arXiv's metadata would make {good} invalid (title: " in " ".join(res.output.split())
    assert "nothing was written" in res.output and "updated" not in res.output
    assert good.read_text() == before


def test_a_new_entry_that_would_break_the_schema_is_refused(catalog_root: Path, env: str) -> None:
    res = _add(catalog_root, "2101.00600", "-t", "x-ray-to-text")
    assert res.exit_code == 1 and "does not fit the schema: title" in res.output
    assert not (catalog_root / "catalog/papers/2101.00600.yaml").exists()


def test_imported_files_have_no_anchors_and_load(catalog_root: Path, env: str) -> None:
    assert _add(catalog_root, "2101.00009", "-t", "x-ray-to-text").exit_code == 0
    text = (catalog_root / "catalog/papers/2101.00009.yaml").read_text()
    assert "&id" not in text and "*id" not in text
    _, problems = load_catalog(catalog_root)
    assert [p.field for p in problems] == ["summary"]  # only the TODO left for a person


@pytest.mark.parametrize("kept", [0o644, 0o640, 0o664])
def test_file_modes(catalog_root: Path, env: str, kept: int) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        path = _added(catalog_root)  # writing the summary in place keeps the mode add-paper gave
        assert stat.S_IMODE(path.stat().st_mode) == 0o644  # 0666 less the umask, as `open` gives
        path.chmod(kept)
        path.write_text(path.read_text().replace("title: Generating", "title: Old"))
        assert _add(catalog_root, "2101.00009", "--update").exit_code == 0
        assert stat.S_IMODE(path.stat().st_mode) == kept and "title: Generating" in path.read_text()
    finally:
        os.umask(old)


def test_update_of_a_read_only_file_is_refused(catalog_root: Path, env: str) -> None:
    path = _added(catalog_root)
    path.write_text(path.read_text().replace("title: Generating", "title: Old"))
    path.chmod(0o444)
    before = path.read_text()
    res = _add(catalog_root, "2101.00009", "--update")
    assert res.exit_code == 1 and "is read-only (or immutable)" in res.output
    assert path.read_text() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["2101.00001.yaml", "2101.00009.yaml"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id: x\ntitle: caf\xe9\n", "not valid UTF-8"),
        (b"id: x\nx: " + b"[" * 500 + b"]" * 500 + b"\n", "nested more than"),
        (b"a: &x 1\nb: *x\n", "anchors and aliases"),
    ],
)
def test_update_of_an_unreadable_file_is_refused(
    catalog_root: Path, env: str, content: bytes, message: str
) -> None:
    from tools.catalog.load import open_catalog
    from tools.importers.arxiv import add_paper

    path = catalog_root / "catalog/papers/2101.00009.yaml"
    path.write_bytes(content)
    res = _add(catalog_root, "2101.00009", "--update")  # the catalog check names it first
    assert res.exit_code == 1 and message in res.output and "Traceback" not in res.output
    assert path.read_bytes() == content
    path.unlink()
    cat = open_catalog(catalog_root)
    path.write_bytes(content)  # changed after the catalog was checked
    with pytest.raises(ImportFailure, match=f"{message}.*fix the file first"):
        add_paper(cat, fetcher(env).fetch("2101.00009"), ["x-ray-to-text"], update=True)
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--retries", "-5"], "Invalid value for '--retries': must be at least 0"),
        (["--retries", "11"], "Invalid value for '--retries': must be at least 0 and at most 10"),
        (["--timeout", "0"], "Invalid value for '--timeout': must be above 0"),
        (["--timeout", "inf"], "Invalid value for '--timeout': must be above 0"),
    ],
)
def test_bad_options_are_usage_errors(
    catalog_root: Path, env: str, args: list[str], message: str
) -> None:
    before = sum(Replay.hits.values())
    res = _add(catalog_root, "2101.00009", "-t", "x-ray-to-text", *args)
    assert res.exit_code == 2 and message in " ".join(res.output.split())
    assert sum(Replay.hits.values()) == before  # nothing was asked of arXiv


def test_fetcher_refuses_negative_retries() -> None:
    with pytest.raises(ValueError, match="retries"):
        Fetcher(retries=-5)
