"""Parse the seed list (a Markdown table per section) into technique ids and their sections.

The seed has defects that this module repairs rather than copies:

* several table rows run together on one physical line;
* a cell separator typed inside a word (``Audio-to-Microbiomic|s``);
* a row whose description and application cells lack the ``|`` between them;
* spellings that differ from the catalog's slugs (``3D Model``, ``BioSignal``,
  ``GenomicVariations``, ``X-ray``) and sections named ``3D model`` or ``Bio signal``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Seed spellings (lower-cased, spaces and hyphens removed) -> catalog modality slug.
MODALITY_SLUGS: dict[str, str] = {
    "text": "text",
    "image": "image",
    "video": "video",
    "audio": "audio",
    "biosignal": "biosignal",
    "3dmodel": "3d-model",
    "pharmacogenomics": "pharmacogenomics",
    "epidemiology": "epidemiology",
    "genomicvariations": "genomic-variations",
    "microbiomics": "microbiomics",
    "xray": "x-ray",
    "mri": "mri",
    "ct": "ct",
    "ultrasound": "ultrasound",
    "pet": "pet",
    "histopathology": "histopathology",
    "microscopy": "microscopy",
    "retinal": "retinal",
}

# Section headings whose plain slug is not the group id.
SECTION_ALIASES: dict[str, str] = {"bio-signal": "biosignal"}

_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*$", re.MULTILINE)
# A technique cell: one or two words on each side ("X-ray", "3D Model"), nothing else.
_NAME = r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)?"
_PAIR = re.compile(rf"^{_NAME}-to-{_NAME}$")
# A pair cell that lost its closing separator: the pair, a tab, then the description.
_PAIR_THEN_TEXT = re.compile(r"^(?P<pair>[^\t|]+?-to-[^\t|]+?)\t+(?P<rest>.+)$", re.DOTALL)
# A separator typed inside a word right after a pair, e.g. "Microbiomic|s<TAB>Generates".
_SPLIT_WORD = re.compile(r"(-to-[A-Za-z0-9 -]*[A-Za-z0-9])\|([a-z]+)(?=\t)")
# Where a merged description/application cell is cut: after the first sentence.
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z])")


class SeedError(ValueError):
    """The seed text names something this parser cannot map onto the catalog."""


@dataclass(frozen=True)
class SeedRow:
    """One table row of the seed, repaired."""

    section: str
    technique: str
    description: str
    application: str


def modality_slug(name: str) -> str:
    """Map a seed spelling such as ``3D Model`` or ``GenomicVariations`` to its slug."""
    key = re.sub(r"[\s-]+", "", name).lower()
    try:
        return MODALITY_SLUGS[key]
    except KeyError:
        raise SeedError(f"unknown modality {name!r} in the seed") from None


def technique_id(pair: str) -> str:
    """Turn a seed cell such as ``X-ray-to-Text`` into the id ``x-ray-to-text``."""
    parts = pair.strip().split("-to-")
    if len(parts) != 2:
        raise SeedError(f"cannot split {pair!r} into input and output")
    return f"{modality_slug(parts[0])}-to-{modality_slug(parts[1])}"


def section_id(title: str) -> str:
    """Turn a section heading such as ``Bio signal`` into a group id (``biosignal``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return SECTION_ALIASES.get(slug, slug)


def _sections(text: str) -> Iterator[tuple[str, str]]:
    """Yield (section id, body) for every ``## `` heading."""
    headings = list(_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        yield section_id(heading.group("title")), text[heading.end() : end]


def _rows(body: str) -> Iterator[list[str]]:
    """Yield the cells of each table row, however the rows are laid out on lines."""
    row: list[str] = []
    for raw in _SPLIT_WORD.sub(r"\1\2|", body).split("|"):
        cell = raw.strip()
        if not cell or set(cell) <= set(":-"):
            continue
        merged = _PAIR_THEN_TEXT.match(cell)
        if merged and _PAIR.match(merged.group("pair").strip()):
            cell_parts = [merged.group("pair").strip(), merged.group("rest").strip()]
        else:
            cell_parts = [cell]
        if _PAIR.match(cell_parts[0]):
            if row:
                yield row
            row = cell_parts
        elif row:
            row.extend(cell_parts)
    if row:
        yield row


def seed_rows(text: str) -> list[SeedRow]:
    """Every table row of the seed, in order, with its defects repaired."""
    rows: list[SeedRow] = []
    for section, body in _sections(text):
        for cells in _rows(body):
            pair, rest = cells[0], [" ".join(c.split()) for c in cells[1:]]
            if len(rest) == 1:
                halves = _SENTENCE_END.split(rest[0], maxsplit=1)
                rest = halves if len(halves) == 2 else [rest[0], ""]
            if len(rest) != 2:
                raise SeedError(f"row {pair!r} in section {section!r} has {len(rest)} text cells")
            rows.append(SeedRow(section, technique_id(pair), rest[0], rest[1]))
    return rows


def seed_pairs(text: str) -> dict[str, set[str]]:
    """Map every distinct technique id in the seed to the sections it appears in."""
    pairs: dict[str, set[str]] = {}
    for row in seed_rows(text):
        pairs.setdefault(row.technique, set()).add(row.section)
    return pairs
