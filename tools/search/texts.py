"""What text represents each entry, for the encoder and for keyword search.

The embedded text is a measured choice (`benchmarks/search_quality.py --variants` prints the table):
several compositions of a technique's and a paper's fields are scored on the evaluation queries and
the default below is the one that ranked relevant entries best. Keyword search always uses the
fullest text, because BM25 is not hurt by length the way a 256-token encoder window is.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.catalog.load import Catalog
from tools.catalog.schema import Dataset, Paper, Technique


def _modality_words(cat: Catalog, slug: str, with_aliases: bool) -> str:
    """A modality's label, optionally with its aliases (`X-ray (radiograph, CXR, ...)`)."""
    modality = cat.modalities.get(slug)
    if modality is None:
        return slug.replace("-", " ")
    if with_aliases and modality.aliases:
        return f"{modality.label} ({', '.join(modality.aliases)})"
    return modality.label


def _join(parts: list[str]) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def technique_title(cat: Catalog, t: Technique) -> str:
    """Title only."""
    return t.title


def technique_summary(cat: Catalog, t: Technique) -> str:
    """Title and summary."""
    return _join([_sentence(t.title), t.summary])


def technique_uses(cat: Catalog, t: Technique) -> str:
    """Title, aliases, summary and the applications."""
    aliases = _sentence("Also called " + ", ".join(t.aliases)) if t.aliases else ""
    apps = " ".join(_sentence(a.text) for a in t.applications)
    return _join([_sentence(t.title), aliases, t.summary, apps])


def technique_modalities(cat: Catalog, t: Technique) -> str:
    """Title, aliases, summary, applications, and both modalities with their aliases and tags."""
    mods = _sentence(
        f"From {_modality_words(cat, t.input, True)} to {_modality_words(cat, t.output, True)}"
    )
    tags = (
        _sentence("Tags: " + ", ".join(tag.replace("-", " ") for tag in t.tags)) if t.tags else ""
    )
    return _join([technique_uses(cat, t), mods, tags])


def technique_full(cat: Catalog, t: Technique) -> str:
    """Everything: the modalities variant plus the description."""
    return _join([technique_modalities(cat, t), t.description])


def paper_title(cat: Catalog, p: Paper) -> str:
    """Title only."""
    return p.title


def paper_summary(cat: Catalog, p: Paper) -> str:
    """Title, summary and keywords."""
    keywords = _sentence("Keywords: " + ", ".join(p.keywords)) if p.keywords else ""
    return _join([_sentence(p.title), p.summary, keywords])


def paper_techniques(cat: Catalog, p: Paper) -> str:
    """Title, summary, keywords and the titles of its techniques."""
    titles = [cat.techniques[tid].title for tid in p.techniques if tid in cat.techniques]
    techs = _sentence("Technique: " + ", ".join(titles)) if titles else ""
    return _join([paper_summary(cat, p), techs])


def dataset_full(cat: Catalog, d: Dataset) -> str:
    """Name, summary, size, its modalities with their aliases and the titles of its techniques."""
    mods = _sentence(
        "Modalities: " + ", ".join(_modality_words(cat, m, True) for m in d.modalities)
    )
    titles = [cat.techniques[tid].title for tid in d.techniques if tid in cat.techniques]
    techs = _sentence("Used for: " + ", ".join(titles)) if titles else ""
    size = _sentence("Size: " + d.size) if d.size else ""
    return _join([_sentence(d.name), d.summary, size, mods, techs])


TECHNIQUE_VARIANTS: dict[str, Callable[[Catalog, Technique], str]] = {
    "title": technique_title,
    "summary": technique_summary,
    "uses": technique_uses,
    "modalities": technique_modalities,
    "full": technique_full,
}
PAPER_VARIANTS: dict[str, Callable[[Catalog, Paper], str]] = {
    "title": paper_title,
    "summary": paper_summary,
    "techniques": paper_techniques,
}
DATASET_VARIANTS: dict[str, Callable[[Catalog, Dataset], str]] = {"full": dataset_full}
DEFAULT_VARIANT: dict[str, str] = {"technique": "full", "paper": "techniques", "dataset": "full"}
"""The chosen composition per kind (measured by `benchmarks/search_quality.py --variants`)."""


def keyword_text(cat: Catalog, kind: str, entry_id: str) -> str:
    """The fullest text of an entry, for BM25."""
    if kind == "technique":
        return technique_full(cat, cat.techniques[entry_id])
    if kind == "dataset":
        data = cat.datasets[entry_id]
        return _join([dataset_full(cat, data), entry_id.replace("-", " ")])
    paper = cat.papers[entry_id]
    return _join([paper_techniques(cat, paper), " ".join(paper.authors), paper.venue or ""])


def entry_texts(
    cat: Catalog, kind: str, variant: str | None = None
) -> tuple[list[str], list[str], list[str]]:
    """(ids, titles, embedded texts) of every entry of `kind`, sorted by id."""
    name = variant or DEFAULT_VARIANT[kind]
    if kind == "technique":
        tfn = TECHNIQUE_VARIANTS[name]
        ids = sorted(cat.techniques)
        return (
            ids,
            [cat.techniques[i].title for i in ids],
            [tfn(cat, cat.techniques[i]) for i in ids],
        )
    if kind == "paper":
        pfn = PAPER_VARIANTS[name]
        ids = sorted(cat.papers)
        return ids, [cat.papers[i].title for i in ids], [pfn(cat, cat.papers[i]) for i in ids]
    if kind == "dataset":
        dfn = DATASET_VARIANTS[name]
        ids = sorted(cat.datasets)
        return ids, [cat.datasets[i].name for i in ids], [dfn(cat, cat.datasets[i]) for i in ids]
    raise ValueError(f"unknown kind {kind!r}")
