"""Fixtures for the catalog tools: a small valid catalog written into a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

MODALITIES = """\
groups:
  - id: text
    label: Text
    description: Written language.
  - id: image
    label: Image
    description: Pictures of the body.
  - id: audio
    label: Audio
    description: Sound.
modalities:
  - slug: text
    label: Text
    group: text
    description: Written language such as reports.
  - slug: image
    label: Image
    group: image
    description: Any medical image.
  - slug: x-ray
    label: X-ray
    group: image
    parent: image
    aliases: [radiograph]
    description: Projection radiography.
  - slug: audio
    label: Audio
    group: audio
    description: Recorded sound.
"""

TECHNIQUE = """\
id: {id}
input: {input}
output: {output}
title: {title}
summary: Turns one modality into another.
description: |
  A longer description in **Markdown**.
applications:
  - text: Drafting reports.
    maturity: research
related: {related}
literature:
  checked: 2026-11-20
  note: Searched arXiv and PubMed; few papers so far.
added: 2026-11-20
"""

PAPER = """\
id: "2101.00001"
title: A Test Paper About Reports
authors: [Ada Lovelace, Alan Turing]
year: 2021
arxiv: "2101.00001"
url: https://arxiv.org/abs/2101.00001
code: [https://github.com/example/repo]
kind: method
techniques: [x-ray-to-text]
datasets: [toy-cxr]
summary: Generates reports from radiographs.
keywords: [report generation]
verified:
  - source: https://arxiv.org/abs/2101.00001
    date: 2026-11-20
    fields: [title, authors, year]
added: 2026-11-21
"""

DATASET = """\
id: toy-cxr
name: Toy CXR
modalities: [x-ray, text]
summary: A tiny set of radiographs with reports.
access: open
url: https://example.org/toy-cxr
techniques: [x-ray-to-text]
verified:
  - source: https://example.org/toy-cxr
    date: 2026-11-20
added: 2026-11-20
"""


SOURCE_HOSTS = """\
canonical:
  - label: arXiv
    hosts: [arxiv.org]
  - label: the dataset's site
    hosts: [example.org]
secondary:
  - label: "an index: Papers with Code"
    hosts: [paperswithcode.com]
rejected:
  - reason: proxy of huggingface.co
    hosts: [hf.zsm.im]
mixed:
  - hosts: [github.com]
    rules:
      - own: true
        canonical: the official repository
      - secondary: a code host
"""


def write_catalog(root: Path) -> Path:
    """Write a small valid catalog under `root/catalog` and return `root`."""
    cat = root / "catalog"
    for sub in ("techniques", "papers", "datasets", "demos"):
        (cat / sub).mkdir(parents=True, exist_ok=True)
    (cat / "modalities.yaml").write_text(MODALITIES)
    (cat / "source_hosts.yaml").write_text(SOURCE_HOSTS)
    (cat / "techniques" / "x-ray-to-text.yaml").write_text(
        TECHNIQUE.format(
            id="x-ray-to-text",
            input="x-ray",
            output="text",
            title="X-ray to Text",
            related="[audio-to-text]",
        )
    )
    (cat / "techniques" / "audio-to-text.yaml").write_text(
        TECHNIQUE.format(
            id="audio-to-text", input="audio", output="text", title="Audio to Text", related="[]"
        )
    )
    (cat / "papers" / "2101.00001.yaml").write_text(PAPER)
    (cat / "datasets" / "toy-cxr.yaml").write_text(DATASET)
    return root


@pytest.fixture
def catalog_root(tmp_path: Path) -> Path:
    """A repository root holding a small valid catalog."""
    return write_catalog(tmp_path)


@pytest.fixture
def write_entry(catalog_root: Path) -> Callable[[str, str], Path]:
    """Write (or overwrite) `catalog/<relative path>` with dedented text."""

    def _write(rel: str, text: str) -> Path:
        path = catalog_root / "catalog" / rel
        path.write_text(textwrap.dedent(text))
        return path

    return _write
