"""A small fixture catalog for search tests (written to a temporary folder), and helpers."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def shared_onnx_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixture catalogs share the repository's exported ONNX model (exported once, cached)."""
    monkeypatch.setenv("MEDGEN_SEARCH_ONNX_CACHE", str(REPO / ".cache" / "search" / "onnx"))


MODALITIES = """\
groups:
  - {id: text, label: Text, description: Written language.}
  - {id: image, label: Image, description: Pictures of the body.}
  - {id: audio, label: Audio, description: Sound.}
  - {id: biosignal, label: Bio-signal, description: Physiological signals.}
modalities:
  - {slug: text, label: Text, group: text, aliases: [clinical notes], description: Written language.}
  - {slug: image, label: Image, group: image, description: Any medical image.}
  - {slug: x-ray, label: X-ray, group: image, parent: image, aliases: [radiograph], description: Projection radiography.}
  - {slug: ct, label: CT, group: image, parent: image, description: Computed tomography.}
  - {slug: mri, label: MRI, group: image, parent: image, description: Magnetic resonance imaging.}
  - {slug: audio, label: Audio, group: audio, aliases: [speech], description: Recorded sound.}
  - {slug: biosignal, label: Bio-signal, group: biosignal, aliases: [ECG, EEG], description: Physiological signals.}
"""

TECHNIQUES = {
    "x-ray-to-text": (
        "X-ray to Text",
        "Writing radiology reports from chest radiographs.",
        "Drafting findings for chest films.",
    ),
    "audio-to-text": (
        "Audio to Text",
        "Transcribing clinical speech and dictation into notes.",
        "Documenting consultations from recorded conversations.",
    ),
    "mri-to-ct": (
        "MRI to CT",
        "Computing a synthetic CT from an MR scan.",
        "Radiotherapy planning without a separate CT.",
    ),
    "text-to-ct": (
        "Text to CT",
        "Generating CT volumes from a written description.",
        "Making synthetic scans for training data.",
    ),
    "biosignal-to-text": (
        "Bio-signal to Text",
        "Writing interpretations of ECG and EEG recordings.",
        "Printing automated ECG statements.",
    ),
    "text-to-text": (
        "Text to Text",
        "Summarising and simplifying clinical documents.",
        "Writing discharge summaries and plain-language letters.",
    ),
}

PAPERS = {
    "2101.00001": (
        "Fixture: Generating Chest Radiograph Reports with Transformers",
        "x-ray-to-text",
    ),
    "2101.00002": ("Fixture: Speech Recognition for Medical Dictation", "audio-to-text"),
    "2101.00003": ("Fixture: Synthetic CT from MR Images with Adversarial Networks", "mri-to-ct"),
    "2101.00004": ("Fixture: Diffusion Models Generate 3D CT Volumes from Text", "text-to-ct"),
    "2101.00005": ("Fixture: Summarising Hospital Courses with Language Models", "text-to-text"),
}


DATASETS = {
    "fixture-cxr": ("FIX-CXR", "x-ray", "x-ray-to-text", "Chest radiographs with their reports."),
    "fixture-dictation": ("DictaSet", "audio", "audio-to-text", "Recorded clinical dictation."),
}


def write_catalog(root: Path, extra_papers: dict[str, tuple[str, str]] | None = None) -> Path:
    """Write the fixture catalog under `root/catalog` and return `root`."""
    cat = root / "catalog"
    for sub in ("techniques", "papers", "datasets", "demos"):
        (cat / sub).mkdir(parents=True, exist_ok=True)
    (cat / "modalities.yaml").write_text(MODALITIES, encoding="utf-8")
    (cat / "source_hosts.yaml").write_text(
        "canonical:\n  - label: the fixture's site\n    hosts: [example.org]\n", encoding="utf-8"
    )
    for tid, (title, summary, app) in TECHNIQUES.items():
        inp, out = tid.split("-to-")
        (cat / "techniques" / f"{tid}.yaml").write_text(
            textwrap.dedent(
                f"""\
                id: {tid}
                input: {inp}
                output: {out}
                title: {title}
                summary: {summary}
                description: {summary} A fixture entry for search tests.
                applications:
                  - text: {app}
                    maturity: research
                added: 2026-11-20
                """
            ),
            encoding="utf-8",
        )
    for pid, (title, tid) in {**PAPERS, **(extra_papers or {})}.items():
        (cat / "papers" / f"{pid}.yaml").write_text(
            textwrap.dedent(
                f"""\
                id: "{pid}"
                title: "{title}"
                authors: [Ada Lovelace]
                year: 2021
                arxiv: "{pid}"
                url: https://example.org/{pid}
                kind: method
                techniques: [{tid}]
                summary: A fixture paper about {title.split(": ", 1)[1].lower()}.
                verified:
                  - source: https://example.org/{pid}
                    date: 2026-11-20
                added: 2026-11-20
                """
            ),
            encoding="utf-8",
        )
    for did, (name, modality, tid, summary) in DATASETS.items():
        (cat / "datasets" / f"{did}.yaml").write_text(
            textwrap.dedent(
                f"""\
                id: {did}
                name: {name}
                modalities: [{modality}]
                summary: {summary}
                access: open
                url: https://example.org/{did}
                techniques: [{tid}]
                verified:
                  - source: https://example.org/{did}
                    date: 2026-11-20
                added: 2026-11-20
                """
            ),
            encoding="utf-8",
        )
    return root


@pytest.fixture
def search_root(tmp_path: Path) -> Path:
    """A repository root holding the fixture catalog."""
    return write_catalog(tmp_path / "repo")


class FakeEncoder:
    """Deterministic unit vectors from a text's hash, counting what it was asked to embed."""

    def __init__(self, dim: int = 8) -> None:
        self.dim = dim
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
            rng = np.random.default_rng(seed)
            v = rng.normal(size=self.dim).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    """A fresh FakeEncoder (8-dimensional)."""
    return FakeEncoder()


@pytest.fixture(scope="session")
def catalog_writer():  # type: ignore[no-untyped-def]
    """`write_catalog` itself, for tests that need extra papers."""
    return write_catalog
