"""Render the site's Markdown tree from the `Catalog`: `python -m tools render`.

The tree (hand-written pages from `site_src/`, pages generated with the jinja2 templates in
`tools/site/templates/`, the JSON and BibTeX exports, the Atom feed and the demos' figures) is
written into a git-ignored folder (default `build/docs`) that the site engine builds. Only files
whose content changed are rewritten, and files that are no longer produced are removed, so a
rebuild under `mkdocs serve` touches what changed and nothing else.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from tools.catalog.errors import CatalogError
from tools.catalog.load import Catalog
from tools.export import paper_bibtex, technique_dict, to_bibtex, to_json
from tools.site.card import CARD_PATH, site_card
from tools.site.config import SiteConfig, read_site_config
from tools.site.feed import FEED_ENTRIES, KINDS, additions, recent, whats_new
from tools.site.markdown import markdown_html, markdown_inline_html, safe_url
from tools.site.provenance import provenance_view
from tools.site.related import ASSETS_DIR, Related, SearchExtras
from tools.site.schema_doc import field_reference
from tools.site.urls import (
    DEMOS_PAGE,
    dataset_page,
    demo_anchor,
    group_page,
    modality_page,
    page_url,
    paper_page,
    relative,
    technique_page,
)
from tools.site.views import (
    build_matrix,
    demo_techniques,
    demos_using_paper,
    level_labels,
    modality_datasets,
    modality_order,
    paper_row,
    papers_by_group,
    papers_using_dataset,
    related_techniques,
    technique_title,
)

TEMPLATE_DIR = Path(__file__).parent / "templates"
DEFAULT_OUT = Path("build") / "docs"
MARKER = ".medgen-render"
"""A file render leaves in its output folder; it only ever cleans a folder that holds it."""

THEME_DIR = "overrides"
"""The folder of `site_src/` that holds theme overrides (used in place, not copied)."""

FIGURE_DIR = "assets/demo-figures"
"""Where the demos' figures are copied in the tree."""


class RenderError(CatalogError):
    """A problem the user can fix (an output folder that is not render's, a clashing file name)."""


@dataclass(frozen=True)
class RenderResult:
    """What a render did (`seconds`: generating and writing the tree)."""

    out: Path
    pages: int
    files: int
    written: int
    removed: int
    seconds: float


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The jinja2 environment for site templates: autoescape everywhere, strict undefined."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_html
    env.filters["md_inline"] = markdown_inline_html
    env.filters["safe_url"] = safe_url
    env.filters["plural"] = plural
    env.filters["xml_text"] = xml_text
    env.globals["href"] = _href
    return env


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold at all, not even escaped."""


def xml_text(value: object) -> str:
    """A value as text an XML document can hold: characters XML forbids become U+FFFD.

    Validation already refuses them; this keeps the feed well-formed for any catalog object.
    """
    return _NOT_XML.sub("\ufffd", str(value))


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 paper`, `2 papers`: English plural by `s`, or `many` when given (`entry`, `entries`)."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


@pass_context
def _href(ctx: Context, target: str) -> str:
    """A relative link from the page being rendered to a source path (`x.md`, `x.md#part`) or a
    site file."""
    here = page_url(ctx["page"])
    path, hash_, fragment = target.partition("#")
    link = relative(here, page_url(path) if path.endswith(".md") else path)
    return link + hash_ + fragment


class _Tree:
    """The generated files so far; `page` renders a template with the context every page shares."""

    def __init__(self, cat: Catalog, cfg: SiteConfig, related: Related | None) -> None:
        self.env = environment()
        self.common: dict[str, Any] = {
            "cat": cat,
            "cfg": cfg,
            "related": related,
            "technique_page": technique_page,
            "paper_page": paper_page,
            "dataset_page": dataset_page,
            "modality_page": modality_page,
            "group_page": group_page,
            "demo_anchor": demo_anchor,
            "demos_page": DEMOS_PAGE,
            "technique_title": lambda tid: technique_title(cat, tid),
            "paper_row": paper_row,
            "figure_dir": FIGURE_DIR,
        }
        self.files: dict[str, str] = {}

    def page(self, path: str, template: str, **ctx: Any) -> None:
        self.files[path] = self.env.get_template(template).render(**self.common, page=path, **ctx)


def generate(cat: Catalog, cfg: SiteConfig, related: Related | None = None) -> dict[str, str]:
    """Every generated file of the tree: site-relative path -> text."""
    tree = _Tree(cat, cfg, related)
    _index_pages(tree, cat)
    _technique_pages(tree, cat)
    _entry_pages(tree, cat)
    tree.files["api/catalog.json"] = to_json(cat)
    tree.files["bibtex/all.bib"] = to_bibtex(cat.papers.values())
    return tree.files


def _index_pages(tree: _Tree, cat: Catalog) -> None:
    """The home page, the index of each kind, Demos, What's new, Contributing and the feed."""
    news = additions(cat)
    tree.page(
        "index.md",
        "home.md.j2",
        matrix=build_matrix(cat),
        levels=level_labels(),
        news=recent(news, 8),
        bulk=[b for month in whats_new(news, limit=0).months for b in month.bulk],
    )
    tree.page("techniques/index.md", "techniques_index.md.j2")
    tree.page("papers/index.md", "papers_index.md.j2", groups=papers_by_group(cat))
    tree.page(
        DEMOS_PAGE,
        "demos.md.j2",
        demos=[
            (d, demo_techniques(cat, d)) for d in sorted(cat.demos.values(), key=lambda d: d.id)
        ],
    )
    tree.page("datasets/index.md", "datasets_index.md.j2")
    tree.page("modalities/index.md", "modalities_index.md.j2", modalities=modality_order(cat))
    tree.page("groups/index.md", "groups_index.md.j2")
    tree.page("whats-new.md", "whats_new.md.j2", news=whats_new(news), kinds=KINDS)
    tree.page("contributing.md", "contributing.md.j2", kinds=field_reference(cat))
    tree.files["feed.xml"] = tree.env.get_template("feed.xml.j2").render(
        **tree.common, page="feed.xml", entries=news[:FEED_ENTRIES]
    )


def _technique_pages(tree: _Tree, cat: Catalog) -> None:
    """Each technique's page with its JSON and BibTeX exports."""
    for tid, tech in cat.techniques.items():
        tree.page(
            technique_page(tid),
            "technique.md.j2",
            tech=tech,
            papers=cat.papers_for(tid),
            datasets=cat.datasets_for(tid),
            demos=cat.demos_for(tid),
            related_techs=related_techniques(cat, tech),
            source=cat.source("technique", tid).path,
        )
        tree.files[f"api/techniques/{tid}.json"] = _json(technique_dict(cat, tid))
        tree.files[f"bibtex/{tid}.bib"] = to_bibtex(cat.papers_for(tid))


def _entry_pages(tree: _Tree, cat: Catalog) -> None:
    """The pages of papers, datasets, modalities and groups."""
    for pid, paper in cat.papers.items():
        tree.page(
            paper_page(pid),
            "paper.md.j2",
            paper=paper,
            row=paper_row(paper),
            bibtex=paper_bibtex(paper),
            demo_ids=demos_using_paper(cat, pid),
            described=[d for d in cat.datasets.values() if d.paper == pid],
            provenance=provenance_view(cat, paper),
            source=cat.source("paper", pid).path,
        )
    for did, ds in cat.datasets.items():
        tree.page(
            dataset_page(did),
            "dataset.md.j2",
            ds=ds,
            papers=papers_using_dataset(cat, did),
            provenance=provenance_view(cat, ds),
            source=cat.source("dataset", did).path,
        )
    for slug, mod in cat.modalities.items():
        tree.page(
            modality_page(slug),
            "modality.md.j2",
            mod=mod,
            children=[m for m in cat.modalities.values() if m.parent == slug],
            datasets=modality_datasets(cat, slug),
        )
    for gid, group in cat.groups.items():
        tree.page(
            group_page(gid),
            "group.md.j2",
            group=group,
            members=[m for m in modality_order(cat) if m.group == gid],
            techniques=cat.techniques_in_group(gid),
        )


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def static_files(cat: Catalog, site_src: Path) -> dict[str, Path]:
    """Files copied as they are: `site_src/` (except theme overrides) and the demos' figures.

    A file reached through a symbolic link must still lie inside its folder (`site_src/`, or
    `catalog/demos/` for a figure): RenderError otherwise, so nothing from elsewhere on the machine
    can be published.
    """
    out: dict[str, Path] = {}
    if site_src.is_dir():
        for path in sorted(site_src.rglob("*")):
            rel = path.relative_to(site_src)
            if path.is_file() and rel.parts[0] != THEME_DIR:
                out[rel.as_posix()] = _inside(site_src, rel.as_posix(), "site_src")
    demos = cat.root / "catalog" / "demos"
    for demo in cat.demos.values():
        if (demos / demo.figure).is_file():
            out[f"{FIGURE_DIR}/{demo.figure}"] = _inside(demos, demo.figure, "catalog/demos")
    return out


def _inside(folder: Path, rel: str, shown: str) -> Path:
    """`folder/rel` when it resolves inside `folder` (links followed), else RenderError."""
    path = folder / rel
    if Path(rel).is_absolute() or ".." in Path(rel).parts:
        raise RenderError(f"{shown}/{rel} is not a path inside {shown}/")
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise RenderError(f"{shown}/{rel} cannot be read ({exc})") from None
    if not target.is_relative_to(folder.resolve()):
        raise RenderError(
            f"{shown}/{rel} is a symbolic link to {target}, outside {shown}/; render copies only "
            "files inside it"
        )
    return path


def sync_tree(
    out: Path, generated: Mapping[str, str | bytes], copied: Mapping[str, Path]
) -> tuple[int, int]:
    """Make `out` hold exactly these files; write only what changed. Returns (written, removed).

    Every file lands inside `out`: a path that would leave it, or a link in the tree that points
    out of it, is a RenderError, and a failed write (a full disk) is one too.
    """
    clash = sorted(set(generated) & set(copied))
    if clash:
        raise RenderError(f"site_src/{clash[0]} has the path of a generated file; rename it")
    if out.exists() and not out.is_dir():
        raise RenderError(f"{out} is a file, not a folder; choose a folder for the site")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise RenderError(f"{out} exists and was not written by render; choose an empty folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        _write_if_changed(out, MARKER, b"written by `python -m tools render`; do not edit\n")
        written = 0
        for rel, text in generated.items():
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            written += _write_if_changed(out, rel, data)
        for rel, src in copied.items():
            written += _write_if_changed(out, rel, src.read_bytes())
        keep = set(generated) | set(copied) | {MARKER}
        removed = 0
        for path in sorted(out.rglob("*"), reverse=True):
            rel = path.relative_to(out).as_posix()
            if (path.is_file() or path.is_symlink()) and rel not in keep:
                path.unlink()
                removed += 1
            elif path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise RenderError(f"could not write{where}: {exc.strerror or exc}") from None
    return written, removed


def _write_if_changed(out: Path, rel: str, data: bytes) -> int:
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts:
        raise RenderError(f"`{rel}` would be written outside {out}; nothing there was changed")
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.parent.resolve().is_relative_to(out.resolve()):
        raise RenderError(f"{path.parent} is a link out of {out}; remove it and render again")
    if path.is_symlink():
        path.unlink()  # the tree is render's: a link in it is replaced, never followed
    try:
        if path.read_bytes() == data:
            return 0
    except OSError:
        pass
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise RenderError(f"could not write {path}: {exc.strerror or exc}") from None
    return 1


def render(
    cat: Catalog,
    out: Path | None = None,
    *,
    search: SearchExtras | None = None,
    site_root: Path | None = None,
) -> RenderResult:
    """Write the whole tree for a checked catalog into `out` (default `<root>/build/docs`), with
    search's extras when given.

    `site_root` holds `site_src/` and `mkdocs.yml` (default: the catalog's root; tests render
    fixture catalogs with the real site). Raises `RenderError` for an output folder that is not
    render's or a generated name that `site_src/` also holds.
    """
    start = time.perf_counter()
    site = site_root or cat.root
    target = out if out is not None else cat.root / DEFAULT_OUT
    config = read_site_config(site / "mkdocs.yml")
    generated: dict[str, str | bytes] = {
        **generate(cat, config, search.related if search else None)
    }
    generated[CARD_PATH] = site_card(config.site_name, config.site_description)
    copied = static_files(cat, site / "site_src")
    if search is not None:
        for name, path in search.assets.items():
            asset = f"{ASSETS_DIR}/{name}"
            if asset in copied:
                raise RenderError(f"site_src/{asset} has the name of a generated search file")
            copied[asset] = path
    written, removed = sync_tree(target, generated, copied)
    pages = sum(1 for p in (*generated, *copied) if p.endswith(".md"))
    return RenderResult(
        out=target,
        pages=pages,
        files=len(generated) + len(copied),
        written=written,
        removed=removed,
        seconds=time.perf_counter() - start,
    )
