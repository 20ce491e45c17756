"""`tools render`: the Markdown tree, the exports, the feed, incremental writes and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tools.catalog.load import open_catalog, validate
from tools.catalog.schema import ENTRY_MODELS
from tools.cli import app
from tools.export import technique_dict, to_bibtex, to_json
from tools.site.related import Neighbour, SearchExtras
from tools.site.render import MARKER, RenderError, RenderResult, render, sync_tree

REPO = Path(__file__).resolve().parents[3]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the basic fixture catalog (5 techniques, 6 papers, 2 datasets, 1 demo)."""
    return Path(shutil.copytree(BASIC, tmp_path / "repo"))


def _render(root: Path, out: Path, search: SearchExtras | None = None) -> RenderResult:
    return render(open_catalog(root), out, search=search, site_root=REPO)


def test_tree_has_every_page_and_export(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    result = _render(root, out)
    cat, _ = validate(root)
    expected = {"index.md", "about.md", "contributing.md", "whats-new.md", "feed.xml", "demos.md"}
    expected |= {f"techniques/{t}.md" for t in cat.techniques}
    expected |= {f"papers/{p}.md" for p in cat.papers}
    expected |= {f"datasets/{d}.md" for d in cat.datasets}
    expected |= {f"modalities/{m}.md" for m in cat.modalities}
    expected |= {f"groups/{g}.md" for g in cat.groups}
    expected |= {f"api/techniques/{t}.json" for t in cat.techniques}
    expected |= {f"bibtex/{t}.bib" for t in cat.techniques}
    expected |= {"api/catalog.json", "bibtex/all.bib", "assets/demo-figures/figures/toy-demo.png"}
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert expected <= written
    assert not any(p.startswith("overrides/") for p in written)  # theme files stay in site_src
    assert result.pages == sum(1 for p in written if p.endswith(".md"))


def test_exports_equal_the_export_module(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    cat, _ = validate(root)
    assert (out / "api" / "catalog.json").read_text() == to_json(cat)
    data = json.loads((out / "api" / "techniques" / "x-ray-to-text.json").read_text())
    assert data == technique_dict(cat, "x-ray-to-text")
    assert (out / "bibtex" / "x-ray-to-text.bib").read_text() == to_bibtex(
        cat.papers_for("x-ray-to-text")
    )
    assert (out / "bibtex" / "all.bib").read_text().count("@") == len(cat.papers)


def test_home_matrix_links_every_technique_with_its_count(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    home = (out / "index.md").read_text()
    assert 'href="techniques/x-ray-to-text/"' in home
    assert 'data-technique="x-ray-to-text">4</a>' in home
    assert 'data-technique="ct-to-audio">0</a>' in home  # a technique without papers still shows
    assert home.count('class="mga-cell mga-none"') == 4 * 4 - 5


def test_technique_page_sections(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "techniques" / "x-ray-to-text.md").read_text()
    for heading in ("## Description", "## Medical applications", "## Papers", "## Datasets"):
        assert heading in page
    assert "## Demos" in page and "python -m demos.toy_demo train --preset quickstart" in page
    assert 'src="../../assets/demo-figures/figures/toy-demo.png"' in page
    assert 'href="../../bibtex/x-ray-to-text.bib" download' in page
    assert "edit/main/catalog/techniques/x-ray-to-text.yaml" in page
    assert 'href="https://doi.org/10.1234/fixture.2020.1"' in page
    assert 'href="https://github.com/example/repo"' in page
    assert "Nearest in meaning" not in page  # no search data given
    empty = (out / "techniques" / "ct-to-audio.md").read_text()
    assert "No published work found for this pair when checked." in empty


def test_nearest_section_when_search_data_is_given(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    related = {
        ("technique", "x-ray-to-text"): [
            Neighbour("technique", "audio-to-text", 0.8),
            Neighbour("paper", "2402.00004", 0.7),
        ]
    }
    _render(root, out, search=SearchExtras(related, {}))
    page = (out / "techniques" / "x-ray-to-text.md").read_text()
    assert "## Nearest in meaning" in page
    assert 'href="../audio-to-text/"' in page and 'href="../../papers/2402.00004/"' in page
    assert "Nearest in meaning" not in (out / "techniques" / "audio-to-text.md").read_text()


def test_feed_is_atom_newest_first(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(out / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    cat, _ = validate(root)
    kinds = (cat.techniques, cat.papers, cat.datasets, cat.demos)
    assert len(entries) == sum(len(k) for k in kinds)
    dates = [e.find("a:updated", ns).text for e in entries]  # type: ignore[union-attr]
    assert dates == sorted(dates, reverse=True)
    first = entries[0]
    assert first.find("a:title", ns).text == "Technique: CT to Audio"  # type: ignore[union-attr]
    href = first.find("a:link", ns).get("href")  # type: ignore[union-attr]
    assert href == "techniques/ct-to-audio/"
    assert "2026-11-22" in (out / "whats-new.md").read_text()


def test_contributing_lists_every_schema_field(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "contributing.md").read_text()
    for model in ENTRY_MODELS.values():
        for name in model.model_fields:
            assert f"<code>{name}</code>" in page, (model.__name__, name)
    assert "<code>applications[].maturity</code>" in page
    assert "one of: concept, research, clinical-evaluation, clinical-use" in page


def test_invalid_catalog_renders_nothing_and_reports(root: Path, tmp_path: Path) -> None:
    bad = root / "catalog" / "papers" / "2101.00001.yaml"
    bad.write_text(bad.read_text().replace("techniques: [x-ray-to-text]", "techniques: [nope]"))
    out = tmp_path / "docs"
    result = CliRunner().invoke(
        app, ["render", "--root", str(root), "--out", str(out), "--no-search"]
    )
    assert result.exit_code == 1
    assert "catalog/papers/2101.00001.yaml:" in result.output and "techniques[0]" in result.output
    assert "error: the catalog has 3 error(s); fix them first" in result.output
    assert not out.exists()


def test_cli_render_exit_codes_and_messages(root: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "docs"
    ok = runner.invoke(app, ["render", "--root", str(root), "--out", str(out), "--no-search"])
    assert ok.exit_code == 0, ok.output
    assert (out / "index.md").is_file()
    bad = root / "catalog" / "datasets" / "toy-cxr.yaml"
    bad.write_text(bad.read_text().replace("access: open", "access: sometimes"))
    failed = runner.invoke(app, ["render", "--root", str(root), "--out", str(out), "--no-search"])
    assert failed.exit_code == 1
    assert "catalog/datasets/toy-cxr.yaml:" in failed.output and "access" in failed.output
    assert "Traceback" not in failed.output


def test_cli_refuses_a_folder_it_did_not_write(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(
        app, ["render", "--root", str(root), "--out", str(out), "--no-search"]
    )
    assert result.exit_code == 1
    assert "was not written by render" in result.output
    assert (out / "notes.txt").read_text() == "keep me"


def test_rerender_writes_only_changes_and_removes_stale_files(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    first = _render(root, out)
    assert first.written == first.files
    again = _render(root, out)
    assert again.written == 0 and again.removed == 0
    paper = root / "catalog" / "papers" / "2110.00005.yaml"
    paper.unlink()
    after = _render(root, out)
    assert after.removed == 1 and not (out / "papers" / "2110.00005.md").exists()
    # the technique, its exports, the indexes, the home page and the feed changed; nothing else
    assert 0 < after.written < first.files / 2
    assert (out / MARKER).is_file()


def test_sync_tree_rejects_a_site_src_file_that_shadows_a_generated_one(tmp_path: Path) -> None:
    src = tmp_path / "index.md"
    src.write_text("# mine")
    with pytest.raises(RenderError, match=r"index\.md"):
        sync_tree(tmp_path / "out", {"index.md": "generated"}, {"index.md": src})


def test_titles_reach_front_matter_escaped(root: Path, tmp_path: Path) -> None:
    tech = root / "catalog" / "techniques" / "audio-to-text.yaml"
    tech.write_text(tech.read_text().replace("title: Audio to Text", 'title: "A <b>bold</b> & co"'))
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "techniques" / "audio-to-text.md").read_text()
    front = page.split("---")[1]
    assert "<b>" not in front and "&amp;lt;b&amp;gt;" not in front
    assert 'title: "A \\u0026lt;b\\u0026gt;bold' in front  # YAML reads back &lt;b&gt;
    assert "<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; co</h1>" in page


def test_render_without_search_never_imports_torch(root: Path, tmp_path: Path) -> None:
    code = f"""
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {{'torch', 'faiss', 'sentence_transformers'}}:
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, Block())
from typer.testing import CliRunner
from tools.cli import app
r = CliRunner().invoke(app, ['render', '--root', {str(root)!r}, '--out', {str(tmp_path / "d")!r}])
assert r.exit_code == 0, r.output
assert 'torch' not in sys.modules
print('ok')
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert proc.stdout.strip() == "ok", proc.stderr


def test_search_files_are_copied_and_removed_with_search(root: Path, tmp_path: Path) -> None:
    staged = tmp_path / "vectors.f32"
    staged.write_bytes(b"\x00" * 16)
    out = tmp_path / "docs"
    _render(root, out, search=SearchExtras(None, {"v.f32": staged}))
    assert (out / "assets" / "search" / "v.f32").read_bytes() == staged.read_bytes()
    _render(root, out)
    assert not (out / "assets" / "search" / "v.f32").exists()


def test_cli_reports_a_search_failure_in_one_line(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.search.errors import SearchError

    def broken(cat):  # type: ignore[no-untyped-def]
        raise SearchError("the index is corrupt")

    monkeypatch.setattr("tools.site.related.load_search", broken)
    result = CliRunner().invoke(app, ["render", "--root", str(root), "--out", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "search: the index is corrupt (render with --no-search" in result.output
    assert "Traceback" not in result.output


def test_the_real_catalog_renders_or_reports_why(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    cat = open_catalog(REPO)  # an invalid catalog fails here, listing every problem
    result = render(cat, out)
    assert result.out == out and (out / MARKER).is_file()
    for tid in cat.techniques:
        assert (out / "techniques" / f"{tid}.md").is_file()
    home = (out / "index.md").read_text()
    assert all(f'data-technique="{tid}"' in home for tid in cat.techniques)


def test_feed_stays_well_formed_with_awkward_text(root: Path, tmp_path: Path) -> None:
    paper = root / "catalog" / "papers" / "2101.00001.yaml"
    awkward = "R&D <script>x</script> ]]> \"quotes\" 'apostrophes' 😀 医学 עברית"
    text = paper.read_text()
    title = "title: A Fixture Paper About Reports"
    assert title in text
    paper.write_text(text.replace(title, f"title: {json.dumps(awkward, ensure_ascii=False)}"))
    out = tmp_path / "docs"
    _render(root, out)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.text for e in ET.parse(out / "feed.xml").getroot().iterfind("a:entry/a:title", ns)]
    assert f"Paper: {awkward}" in titles


def test_feed_drops_characters_xml_cannot_hold(root: Path) -> None:
    from tools.site.config import read_site_config
    from tools.site.render import generate

    cat = open_catalog(root)
    pid = next(iter(cat.papers))
    # a catalog object that never went through validation (as a library caller could build)
    cat.papers[pid] = cat.papers[pid].model_copy(update={"title": "Bad \x1b[31m \ufffe \x00 end"})
    feed = generate(cat, read_site_config(REPO / "mkdocs.yml"))["feed.xml"]
    ET.fromstring(feed.encode("utf-8"))  # well-formed
    assert "Bad \ufffd[31m \ufffd \ufffd end" in feed


def _site_root(tmp_path: Path) -> Path:
    site = tmp_path / "site-root"
    shutil.copytree(REPO / "site_src", site / "site_src")
    shutil.copy(REPO / "mkdocs.yml", site / "mkdocs.yml")
    return site


def test_a_site_src_link_out_of_site_src_is_refused(root: Path, tmp_path: Path) -> None:
    site = _site_root(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-KEY")
    (site / "site_src" / "leak.txt").symlink_to(secret)
    out = tmp_path / "docs"
    with pytest.raises(RenderError, match=r"site_src/leak\.txt is a symbolic link to .*outside"):
        render(open_catalog(root), out, site_root=site)
    assert not any("SECRET" in p.read_text() for p in out.rglob("*.txt") if p.is_file())


def test_a_site_src_link_inside_site_src_is_copied(root: Path, tmp_path: Path) -> None:
    site = _site_root(tmp_path)
    (site / "site_src" / "again.md").symlink_to("about.md")
    out = tmp_path / "docs"
    render(open_catalog(root), out, site_root=site)
    assert (out / "again.md").read_text() == (site / "site_src" / "about.md").read_text()


def test_writes_never_leave_the_tree(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.md").write_text("keep")
    sync_tree(out, {"index.md": "x"}, {})
    for rel in ("../outside/victim.md", "/tmp/abs.md", "a/../../outside/victim.md"):
        with pytest.raises(RenderError, match="would be written outside"):
            sync_tree(out, {rel: "overwritten"}, {})
    (out / "assets").symlink_to(outside)  # a link planted inside the tree
    with pytest.raises(RenderError, match="is a link out of"):
        sync_tree(out, {"assets/victim.md": "overwritten"}, {})
    (out / "assets").unlink()
    (out / "page.md").symlink_to(outside / "victim.md")
    sync_tree(out, {"page.md": "new"}, {})  # the link is replaced, not followed
    assert (outside / "victim.md").read_text() == "keep"
    assert (out / "page.md").read_text() == "new" and not (out / "page.md").is_symlink()


def test_a_file_in_place_of_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.write_text("mine")
    with pytest.raises(RenderError, match="is a file, not a folder"):
        sync_tree(out, {"index.md": "x"}, {})
    assert out.read_text() == "mine"


def test_a_full_disk_is_one_message(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))\n"
        "from tools.cli import main\n"
        "sys.argv = ['tools'] + sys.argv[1:]\n"
        "main()\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "render",
            "--no-search",
            "--root",
            str(root),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: could not write ") and "File too large" in done.stderr


def test_demos_page_has_a_card_per_demo_and_says_research_and_synthetic(
    root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "demos.md").read_text()
    assert 'id="demo-toy-demo"' in page and "<h2" in page and "Toy demo" in page
    assert 'src="../assets/demo-figures/figures/toy-demo.png"' in page
    assert "Synthetic samples from the toy demo." in page  # the figure's caption
    assert "CPU: about 2 minutes on a laptop CPU" in page
    assert "GPU: Optional; a GPU trains the full preset in an hour." in page
    assert "python -m demos.toy_demo train --preset quickstart" in page
    assert "/blob/main/demos/toy_demo/MODEL_CARD.md" in page
    assert 'href="../techniques/x-ray-to-text/#demo-toy-demo">X-ray to Text</a>' in page
    assert 'href="../techniques/text-to-ct/#demo-toy-demo">Text to CT</a>' in page
    assert 'href="../papers/2101.00001/"' in page
    assert "not for clinical use" in page and "<strong>synthetic</strong>" in page
    home = (out / "index.md").read_text()
    assert '<a href="demos/">1 demo</a>' in home
    tech = (out / "techniques" / "x-ray-to-text.md").read_text()
    assert 'href="../../demos/#demo-toy-demo">On the Demos page</a>' in tech
    assert 'href="#demos">1 demo</a>' in tech
    paper = (out / "papers" / "2101.00001.md").read_text()
    assert '<a href="../../demos/#demo-toy-demo">Toy demo</a>' in paper


def test_demos_page_without_demos(root: Path, tmp_path: Path) -> None:
    shutil.rmtree(root / "catalog" / "demos")
    for tech in (root / "catalog" / "techniques").glob("*.yaml"):
        tech.write_text(tech.read_text().replace("demos: [toy-demo]\n", ""))
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "demos.md").read_text()
    assert "No demos in the atlas yet." in page and "mga-demo-card" not in page
    assert "0 runnable reference demos" in page and "not for clinical use" in page
    home = (out / "index.md").read_text()
    assert '<a href="demos/">0 demos</a>' in home and "mga-has-demo" not in home


def test_matrix_marks_demos_and_labels_every_cell(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    home = (out / "index.md").read_text()
    assert home.count("mga-has-demo") == 2  # x-ray-to-text and text-to-ct
    assert 'class="mga-cell mga-lvl-2 mga-has-demo"><a href="techniques/x-ray-to-text/"' in home
    assert 'aria-label="X-ray to Text: 4 papers, demo"' in home
    assert 'aria-label="CT to Audio: 0 papers"' in home
    assert 'aria-label="Text to Text: no technique yet"' in home
    assert "has a <a" in home and "data-mga-grid" in home  # the legend explains the mark


def test_papers_index_groups_by_technique_with_titles_and_contents(
    root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "papers" / "index.md").read_text()
    assert "6 papers under 4 techniques" in page
    contents = page.split('<nav class="mga-contents"')[1].split("</nav>")[0]
    assert '<a href="#g-image">Image</a> <span class="mga-count">(4)</span>' in contents
    assert contents.count('href="#g-') == 3  # text, image, audio: the groups with papers
    section = page.split('<details class="mga-paper-section" id="t-x-ray-to-text">')[1]
    section = section.split("</details>")[0]
    assert '<h3>X-ray to Text <span class="mga-count">4 papers</span></h3>' in section
    assert section.count("<tr data-paper=") == 4
    assert 'href="../techniques/x-ray-to-text/">The X-ray to Text page</a>' in section
    assert 'id="g-text"' in page
    assert 'id="t-ct-to-audio"' not in page  # no papers: no section
    # technique titles, never raw ids, in the "Also in" column
    assert ">x-ray-to-text</a>" not in page and ">Text to X-ray</a>" in page
    assert page.count('data-mga-table="sort"') == 4 and "data-mga-filter-group" in page
    assert page.index('id="g-text"') < page.index('id="g-image"') < page.index('id="g-audio"')


def test_papers_index_of_a_catalog_without_papers(root: Path, tmp_path: Path) -> None:
    for path in (root / "catalog" / "papers").glob("*.yaml"):
        path.unlink()
    demo = root / "catalog" / "demos" / "toy-demo.yaml"
    demo.write_text(demo.read_text().replace('paper: "2101.00001"\n', ""))
    for ds in (root / "catalog" / "datasets").glob("*.yaml"):
        ds.write_text(
            "\n".join(x for x in ds.read_text().splitlines() if not x.startswith("paper:"))
        )
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "papers" / "index.md").read_text()
    assert "No papers in the atlas yet." in page and "<table" not in page


def test_papers_index_shows_the_id_of_a_technique_without_a_title(root: Path) -> None:
    from tools.site.config import read_site_config
    from tools.site.render import generate

    cat = open_catalog(root)
    tech = cat.techniques["text-to-x-ray"]
    cat.techniques["text-to-x-ray"] = tech.model_copy(update={"title": ""})
    page = generate(cat, read_site_config(REPO / "mkdocs.yml"))["papers/index.md"]
    assert ">text-to-x-ray</a>" in page  # the id stands in; nothing is blank


def test_whats_new_by_month_with_every_kind(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "whats-new.md").read_text()
    assert '<h2 id="added-2026-11">November 2026</h2>' in page
    for heading in ("Techniques (5)", "Papers (6)", "Datasets (2)", "Demos (1)"):
        assert heading in page
    assert '<time datetime="2026-11-22">2026-11-22</time>' in page
    assert 'href="../demos/#demo-toy-demo"' in page
    assert "mga-bulk" not in page  # a handful a day is no bulk import


def test_whats_new_collapses_the_seed_import(root: Path, tmp_path: Path) -> None:
    papers = root / "catalog" / "papers"
    template = (papers / "2203.00002.yaml").read_text()
    for i in range(45):
        pid = f"2301.{i + 10:05d}"
        text = template.replace("2203.00002", pid).replace("added: 2026-11-20", "added: 2026-11-01")
        text = text.replace("year: 2022", "year: 2023").replace("on Radiographs", f"Number {i}")
        (papers / f"{pid}.yaml").write_text(text)
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "whats-new.md").read_text()
    bulk = page.split('<p class="mga-bulk">')[1].split("</p>")[0]
    assert "2026-11-01" in bulk and "Initial import" in bulk and "45 entries added at once" in bulk
    assert '<a href="../papers/">45 papers</a>' in bulk
    assert "2301.00010" not in page  # the imported papers are not listed one by one
    assert "Papers (6)" in page  # later papers are
    home = (out / "index.md").read_text()
    assert "Initial import" in home and "2301.00010" not in home


def test_paper_page_shows_one_link_per_address(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    page = (out / "papers" / "2101.00001.md").read_text()
    links = page.split('<p class="mga-links">')[1].split("</p>")[0]
    assert "Paper page" not in links and links.count("https://arxiv.org/abs/2101.00001") == 1
    other = root / "catalog" / "papers" / "2203.00002.yaml"
    other.write_text(
        other.read_text().replace(
            "url: https://arxiv.org/abs/2203.00002", "url: https://example.org/p"
        )
    )
    _render(root, out)
    page = (out / "papers" / "2203.00002.md").read_text()
    assert '<a href="https://example.org/p" rel="noopener">Paper page</a>' in page


def test_modality_page_says_group_and_parent_once(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _render(root, out)
    xray = (out / "modalities" / "x-ray.md").read_text()
    pair = xray.split('<p class="mga-pair">')[1].split("</p>")[0]
    assert "Group:" not in pair and pair.startswith("A kind of Image (")
    assert 'href="../image/" aria-label="the Image modality">modality</a>' in pair
    assert 'href="../../groups/image/" aria-label="the Image group">group</a>' in pair
    image = (out / "modalities" / "image.md").read_text()
    pair = image.split('<p class="mga-pair">')[1].split("</p>")[0]
    assert pair.startswith('In the <a href="../../groups/image/">Image</a> group · Includes ')
    mods = root / "catalog" / "modalities.yaml"
    mods.write_text(
        mods.read_text().replace(
            "  - id: image\n    label: Image", "  - id: image\n    label: Pictures"
        )
    )
    _render(root, out)
    xray = (out / "modalities" / "x-ray.md").read_text()
    assert (
        'A kind of <a href="../image/">Image</a>, in the <a href="../../groups/image/">Pictures</a> group'
        in xray
    )
