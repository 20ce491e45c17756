"""The contributor path of CONTRIBUTING.md, end to end: add-paper, write the summary, validate,
render, and find the paper on its technique page (arXiv answered by a local replay server)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tools.cli import app

DATA = Path(__file__).parent / "data" / "arxiv"
runner = CliRunner()


class Replay(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (DATA / "normal.xml").read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def arxiv_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(
        "MEDGEN_ARXIV_API", f"http://127.0.0.1:{server.server_address[1]}/api/query?{{}}"
    )
    yield
    server.shutdown()


def test_new_paper_reaches_its_technique_page(
    catalog_root: Path, arxiv_api: None, tmp_path: Path
) -> None:
    root = ["--root", str(catalog_root)]
    added = runner.invoke(
        app,
        ["add-paper", "https://arxiv.org/abs/2101.00009v2", "--technique", "x-ray-to-text", *root],
    )
    assert added.exit_code == 0, added.output
    entry = catalog_root / "catalog/papers/2101.00009.yaml"
    # the contributor's step: write the summary in their own words
    text = entry.read_text()
    start = text.index("summary: TODO")
    end = text.index("\n", start)
    entry.write_text(
        text[:start] + "summary: Writes draft reports for chest radiographs." + text[end:]
    )
    assert runner.invoke(app, ["validate", *root]).exit_code == 0
    out = tmp_path / "docs"
    rendered = runner.invoke(app, ["render", "--out", str(out), "--no-search", *root])
    assert rendered.exit_code == 0, rendered.output
    page = (out / "techniques" / "x-ray-to-text.md").read_text()
    assert "Generating Radiology Reports from Chest Radiographs" in page
    assert (out / "papers" / "2101.00009.md").is_file()
    assert "2101.00009" in (out / "bibtex" / "x-ray-to-text.bib").read_text()
