"""Cross-entry checks: every reference resolves, no duplicates, ids agree, style rules hold.

Each check returns located problems; `check_catalog` runs them all and never stops at the first.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from tools.catalog.ids import arxiv_id_of_page, arxiv_year, doi_slug
from tools.catalog.problems import Problem, Severity
from tools.catalog.provenance import check_literature, check_provenance
from tools.catalog.trust import check_dates, check_url_hosts, fold_confusables, path_problem

if TYPE_CHECKING:  # load builds on the checks (open_catalog runs them)
    from tools.catalog.load import Catalog, Source
    from tools.catalog.schema import Paper

SUMMARY_MAX_CHARS = 400
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "codeberg.org")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "etc.", "Fig.", "approx.", "cf.", "Dr.", "No.")


def _problem(
    source: Source, field: str, message: str, *loc: str | int, warn: bool = False
) -> Problem:
    path = loc or tuple(_split_field(field))
    return Problem(
        source.path,
        source.line(*path),
        field,
        message,
        Severity.warning if warn else Severity.error,
    )


def _split_field(field: str) -> list[str | int]:
    parts: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return parts


def suggest(name: str, options: Iterable[str]) -> str:
    """` (did you mean `x`?)` for a near miss, else an empty string."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.75)
    return f" (did you mean `{close[0]}`?)" if close else ""


def count_sentences(text: str) -> int:
    """Sentences in a short text, not splitting at common abbreviations or decimals."""
    masked = text
    for abbr in _ABBREVIATIONS:
        masked = masked.replace(abbr, abbr.replace(".", "§"))
    parts = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", masked.strip()) if p.strip()]
    return len(parts)


def normalise_title(title: str) -> str:
    """Lower-case ASCII letters and digits only, look-alike letters folded, for duplicate detection."""
    folded = unicodedata.normalize("NFKD", fold_confusables(unicodedata.normalize("NFKC", title)))
    return re.sub(r"[^a-z0-9]+", "", folded.encode("ascii", "ignore").decode().lower())


def check_vocabulary(cat: Catalog) -> list[Problem]:
    """Modalities name known groups and parents; parents form no cycle."""
    out = []
    for slug, mod in cat.modalities.items():
        src = cat.source("modality", slug)
        if mod.group not in cat.groups:
            out.append(
                Problem(
                    src.path,
                    src.line("group"),
                    f"modalities.{slug}.group",
                    f"unknown group `{mod.group}`{suggest(mod.group, cat.groups)}",
                )
            )
        if mod.parent is not None:
            if mod.parent not in cat.modalities:
                out.append(
                    Problem(
                        src.path,
                        src.line("parent"),
                        f"modalities.{slug}.parent",
                        f"unknown modality `{mod.parent}`{suggest(mod.parent, cat.modalities)}",
                    )
                )
                continue
            seen = {slug}
            cur: str | None = mod.parent
            while cur is not None and cur in cat.modalities:
                if cur in seen:
                    out.append(
                        Problem(
                            src.path,
                            src.line("parent"),
                            f"modalities.{slug}.parent",
                            "parents form a cycle",
                        )
                    )
                    break
                seen.add(cur)
                cur = cat.modalities[cur].parent
    return out


def _ref_list(
    cat: Catalog,
    kind: str,
    entry_id: str,
    field: str,
    values: list[str],
    known: Iterable[str],
    what: str,
) -> list[Problem]:
    src = cat.source(kind, entry_id)
    known_set = set(known)
    out = []
    for i, value in enumerate(values):
        if value not in known_set:
            out.append(
                _problem(
                    src,
                    f"{field}[{i}]",
                    f"unknown {what} `{value}`{suggest(value, known_set)}",
                    field,
                    i,
                )
            )
    for i, value in enumerate(values):
        if values.index(value) != i:
            out.append(_problem(src, f"{field}[{i}]", f"`{value}` is listed twice", field, i))
    return out


def check_techniques(cat: Catalog) -> list[Problem]:
    """Technique ids match their modalities; modalities, related entries and demos exist."""
    out = []
    for tid, tech in cat.techniques.items():
        src = cat.source("technique", tid)
        for side in ("input", "output"):
            slug = getattr(tech, side)
            if slug not in cat.modalities:
                out.append(
                    _problem(src, side, f"unknown modality `{slug}`{suggest(slug, cat.modalities)}")
                )
        expected = f"{tech.input}-to-{tech.output}"
        if tid != expected:
            out.append(_problem(src, "id", f"id must be `<input>-to-<output>`, here `{expected}`"))
        out += _ref_list(
            cat, "technique", tid, "related", tech.related, cat.techniques, "technique"
        )
        if tid in tech.related:
            out.append(_problem(src, "related", "a technique cannot be related to itself"))
        out += _ref_list(cat, "technique", tid, "demos", tech.demos, cat.demos, "demo")
        for i, demo_id in enumerate(tech.demos):
            demo = cat.demos.get(demo_id)
            if demo is not None and tid not in demo.techniques:
                out.append(
                    _problem(
                        src,
                        f"demos[{i}]",
                        f"demo `{demo_id}` does not list this technique in its `techniques`",
                        "demos",
                        i,
                    )
                )
        out += _ref_list(
            cat, "technique", tid, "seed_sections", tech.seed_sections, cat.groups, "group"
        )
        out += check_summary(src, tech.summary, max_sentences=2)
    return out


def check_papers(cat: Catalog) -> list[Problem]:
    """References, ids, duplicates and the consistency rules of paper entries."""
    out = []
    seen: dict[str, dict[str, str]] = {"arxiv": {}, "doi": {}, "title": {}}
    by_arxiv = {p.arxiv: pid for pid, p in cat.papers.items() if p.arxiv}
    for pid, paper in cat.papers.items():
        src = cat.source("paper", pid)
        out += _ref_list(
            cat, "paper", pid, "techniques", paper.techniques, cat.techniques, "technique"
        )
        out += _ref_list(cat, "paper", pid, "datasets", paper.datasets, cat.datasets, "dataset")
        out += _paper_id(src, pid, paper)
        out += _paper_duplicates(cat, src, pid, paper, seen)
        out += _paper_year(src, paper)
        out += _paper_authors_and_code(src, paper)
        out += check_summary(src, paper.summary, max_sentences=3)
        out += _arxiv_of_sources(cat, src, pid, paper, by_arxiv)
    return out


def _arxiv_of_sources(
    cat: Catalog, src: Source, pid: str, paper: Paper, by_arxiv: dict[str, str]
) -> list[Problem]:
    """A paper's sources name its own arXiv page: that id must be its `arxiv`, never another
    paper's (a DOI-id entry citing arXiv page X is the same work as entry X)."""
    out = []
    for i, v in enumerate(paper.verified):
        cited = arxiv_id_of_page(v.source)
        if cited is None or cited == paper.arxiv:
            continue
        other = by_arxiv.get(cited)
        field = f"verified[{i}].source"
        if other is not None and other != pid:
            where = cat.source("paper", other).path
            out.append(_problem(src, field, f"cites arXiv {cited}, the id of `{where}`"))
        elif not paper.arxiv:
            message = (
                f"cites arXiv {cited} but the paper has no `arxiv`: a paper on arXiv takes "
                "its arXiv id (`arxiv` and id), the DOI stays in `doi`"
            )
            out.append(_problem(src, field, message))
    return out


def _paper_id(src: Source, pid: str, paper: Paper) -> list[Problem]:
    """A paper's id is its arXiv id, else its DOI slug; it needs one of the two."""
    if paper.arxiv and pid != paper.arxiv:
        return [
            _problem(src, "id", f"a paper with an arXiv id takes it as its id: `{paper.arxiv}`")
        ]
    if not paper.arxiv and paper.doi and pid != doi_slug(paper.doi):
        return [
            _problem(
                src,
                "id",
                f"a paper without an arXiv id takes its DOI slug as id: `{doi_slug(paper.doi)}`",
            )
        ]
    if not paper.arxiv and not paper.doi:
        return [_problem(src, "arxiv", "a paper needs an `arxiv` id or a `doi`")]
    return []


def _paper_duplicates(
    cat: Catalog, src: Source, pid: str, paper: Paper, seen: dict[str, dict[str, str]]
) -> list[Problem]:
    """The same arXiv id, DOI or (normalised) title as an earlier paper; `seen` records this one."""
    out = []
    for key, value in (
        ("arxiv", paper.arxiv),
        ("doi", paper.doi.lower() if paper.doi else None),
        ("title", normalise_title(paper.title)),
    ):
        if not value:
            continue
        if value in seen[key]:
            first = cat.source("paper", seen[key][value]).path
            out.append(_problem(src, key, f"same {key} as `{first}`"))
        else:
            seen[key][value] = pid
    return out


def _paper_year(src: Source, paper: Paper) -> list[Problem]:
    """The year agrees with the arXiv id's: never before it, and a warning when long after."""
    first = arxiv_year(paper.arxiv) if paper.arxiv else None
    if first is None:
        return []
    if paper.year < first:
        return [_problem(src, "year", f"year {paper.year} is before the arXiv id's year {first}")]
    if paper.year > first + 3:
        return [
            _problem(
                src,
                "year",
                f"year {paper.year} is long after the arXiv id's year {first}: check it",
                warn=True,
            )
        ]
    return []


def _paper_authors_and_code(src: Source, paper: Paper) -> list[Problem]:
    """Every author is listed (no `et al.`), and code links point to repositories."""
    out = []
    if paper.authors and re.search(
        r"\bet al\.?$|^others$|\.\.\.$", paper.authors[-1].strip(), re.I
    ):
        out.append(
            _problem(
                src,
                f"authors[{len(paper.authors) - 1}]",
                "author list looks truncated: list every author",
                "authors",
                len(paper.authors) - 1,
            )
        )
    for i, url in enumerate(paper.code):
        host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0].lower()
        path_parts = [p for p in re.sub(r"^https?://[^/]+", "", url).split("/") if p]
        if host not in CODE_HOSTS or len(path_parts) < 2:
            out.append(
                _problem(
                    src,
                    f"code[{i}]",
                    "a code link must point to a repository (e.g. https://github.com/owner/repo)",
                    "code",
                    i,
                )
            )
    return out


def _paper_ref(cat: Catalog, src: Source, paper_id: str | None) -> list[Problem]:
    """The optional `paper` field names an existing paper."""
    if paper_id is None or paper_id in cat.papers:
        return []
    return [_problem(src, "paper", f"unknown paper `{paper_id}`{suggest(paper_id, cat.papers)}")]


def check_datasets(cat: Catalog) -> list[Problem]:
    """Dataset modalities, techniques and paper exist."""
    out = []
    for did, ds in cat.datasets.items():
        src = cat.source("dataset", did)
        out += _ref_list(
            cat, "dataset", did, "modalities", ds.modalities, cat.modalities, "modality"
        )
        out += _ref_list(
            cat, "dataset", did, "techniques", ds.techniques, cat.techniques, "technique"
        )
        out += _paper_ref(cat, src, ds.paper)
        out += check_summary(src, ds.summary, max_sentences=2)
    return out


def check_demos(cat: Catalog) -> list[Problem]:
    """Demo techniques, paper, figure and model card exist; techniques list the demo back."""
    out = []
    for did, demo in cat.demos.items():
        src = cat.source("demo", did)
        out += _ref_list(
            cat, "demo", did, "techniques", demo.techniques, cat.techniques, "technique"
        )
        out += _paper_ref(cat, src, demo.paper)
        for name, folder, rel in (
            ("figure", cat.root / "catalog" / "demos", demo.figure),
            ("model_card", cat.root / "demos", demo.model_card.removeprefix("demos/")),
        ):
            problem = path_problem(folder, rel, cat.root)
            if problem:
                out.append(_problem(src, name, problem))
        if not demo.command.startswith(f"python -m {demo.package} "):
            out.append(
                _problem(src, "command", f"command must start with `python -m {demo.package} `")
            )
        out += check_summary(src, demo.summary, max_sentences=2)
    return out


def check_summary(src: Source, text: str, max_sentences: int) -> list[Problem]:
    """A summary ends with a period, is short, and has at most `max_sentences` sentences."""
    out = []
    if not text.rstrip().endswith("."):
        out.append(_problem(src, "summary", "a summary ends with a period"))
    if len(text) > SUMMARY_MAX_CHARS:
        out.append(
            _problem(
                src,
                "summary",
                f"summary is {len(text)} characters; keep it under {SUMMARY_MAX_CHARS}",
            )
        )
    n = count_sentences(text)
    if n > max_sentences:
        out.append(
            _problem(src, "summary", f"summary has {n} sentences; use at most {max_sentences}")
        )
    return out


CHECKS: tuple[Callable[[Catalog], list[Problem]], ...] = (
    check_vocabulary,
    check_techniques,
    check_papers,
    check_datasets,
    check_demos,
    check_dates,
    check_url_hosts,
    check_provenance,
    check_literature,
)


def check_catalog(cat: Catalog) -> list[Problem]:
    """Run every check; return all problems, sorted by file and line."""
    out: list[Problem] = []
    for check in CHECKS:
        out += check(cat)
    return out
