"""Load `catalog/` into one typed, cross-referenced `Catalog`, collecting every problem on the way.

`open_catalog(root)` is the way in for every command but `validate`: it loads, runs the checks
and returns a checked `Catalog`, or raises `CatalogInvalid` with every problem. Nothing downstream
re-reads YAML: render, search and export are functions of the `Catalog`. A file that cannot be
parsed or validated is reported and left out; the others still load.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from tools.catalog.checks import check_catalog, suggest
from tools.catalog.errors import CatalogInvalid, UnknownEntry
from tools.catalog.problems import Problem, errors
from tools.catalog.schema import (
    ENTRY_MODELS,
    UNSAFE_CHARS,
    Dataset,
    Demo,
    Entry,
    Group,
    Modality,
    ModalityFile,
    Paper,
    Technique,
)
from tools.catalog.schema_hosts import SourceHostsFile
from tools.catalog.sources import HOSTS_FILE, SourceHosts, build_hosts
from tools.catalog.yaml_source import Loc, SourceDoc, YamlError, dotted, load_yaml

E = TypeVar("E", bound=Entry)

KIND_DIRS: dict[str, str] = {
    "technique": "techniques",
    "paper": "papers",
    "dataset": "datasets",
    "demo": "demos",
}
"""Entry kind -> its folder under `catalog/`."""


@dataclass
class Source:
    """Where an entry came from: its path relative to the repository and its line map."""

    path: str
    doc: SourceDoc

    def line(self, *loc: str | int) -> int:
        """The line of a field (or of its nearest parent)."""
        return self.doc.line_of(tuple(loc))


@dataclass
class Catalog:
    """The whole catalog, cross-referenced. Built once by `load_catalog` and passed down."""

    root: Path
    groups: dict[str, Group] = field(default_factory=dict)
    modalities: dict[str, Modality] = field(default_factory=dict)
    techniques: dict[str, Technique] = field(default_factory=dict)
    papers: dict[str, Paper] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    demos: dict[str, Demo] = field(default_factory=dict)
    sources: dict[tuple[str, str], Source] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    """Warnings the checks found (set by `open_catalog`; errors never reach a `Catalog`)."""
    hosts: SourceHosts | None = None
    """How sources are classified (`catalog/source_hosts.yaml`); None when the file is missing or
    invalid (the problem is reported and the provenance checks are skipped)."""

    def folder(self, kind: str) -> Path:
        """The folder of an entry kind (technique, paper, dataset, demo) under `catalog/`."""
        return self.root / "catalog" / KIND_DIRS[kind]

    def require(self, kind: str, ids: Iterable[str]) -> None:
        """Raise `UnknownEntry` for the first of `ids` that is not a `kind` entry of the catalog."""
        known: dict[str, Any] = getattr(self, KIND_DIRS[kind])
        for entry_id in ids:
            if entry_id not in known:
                raise UnknownEntry(f"unknown {kind} `{entry_id}`{suggest(entry_id, known)}")

    def source(self, kind: str, entry_id: str) -> Source:
        """The source of an entry (`kind` is technique, paper, dataset, demo, modality or group)."""
        return self.sources[(kind, entry_id)]

    def papers_for(self, technique_id: str) -> list[Paper]:
        """Papers naming a technique, newest first (the back-reference)."""
        return self._backrefs()["papers"].get(technique_id, [])  # type: ignore[return-value]

    def datasets_for(self, technique_id: str) -> list[Dataset]:
        """Datasets naming a technique, or used by its papers, by name."""
        return self._backrefs()["datasets"].get(technique_id, [])  # type: ignore[return-value]

    def demos_for(self, technique_id: str) -> list[Demo]:
        """Demos that illustrate a technique (named on either side)."""
        return self._backrefs()["demos"].get(technique_id, [])  # type: ignore[return-value]

    def techniques_from(self, slug: str) -> list[Technique]:
        """Techniques whose input is `slug`."""
        return sorted((t for t in self.techniques.values() if t.input == slug), key=lambda t: t.id)

    def techniques_to(self, slug: str) -> list[Technique]:
        """Techniques whose output is `slug`."""
        return sorted((t for t in self.techniques.values() if t.output == slug), key=lambda t: t.id)

    def techniques_in_group(self, group_id: str) -> list[Technique]:
        """Techniques with an input or output modality in the group, or listed in that seed section."""
        out = [
            t
            for t in self.techniques.values()
            if group_id in t.seed_sections
            or self.group_of(t.input) == group_id
            or self.group_of(t.output) == group_id
        ]
        return sorted(out, key=lambda t: t.id)

    def group_of(self, slug: str) -> str | None:
        """The group of a modality (None when the slug is unknown)."""
        modality = self.modalities.get(slug)
        return modality.group if modality else None

    def _backrefs(self) -> dict[str, dict[str, list[Any]]]:
        cached: dict[str, dict[str, list[Any]]] | None = getattr(self, "_backref_cache", None)
        if cached is not None:
            return cached
        papers: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers.values():
            for tid in dict.fromkeys(paper.techniques):
                papers[tid].append(paper)
        for items in papers.values():
            items.sort(key=lambda p: (-p.year, p.title.lower()))
        datasets: dict[str, dict[str, Dataset]] = defaultdict(dict)
        for ds in self.datasets.values():
            for tid in ds.techniques:
                datasets[tid][ds.id] = ds
        for tid, plist in papers.items():
            for paper in plist:
                for did in paper.datasets:
                    if did in self.datasets:
                        datasets[tid][did] = self.datasets[did]
        demos: dict[str, dict[str, Demo]] = defaultdict(dict)
        for demo in self.demos.values():
            for tid in demo.techniques:
                demos[tid][demo.id] = demo
        for tech in self.techniques.values():
            for did in tech.demos:
                if did in self.demos:
                    demos[tech.id][did] = self.demos[did]
        cached = {
            "papers": dict(papers),
            "datasets": {
                k: sorted(v.values(), key=lambda d: d.name.lower()) for k, v in datasets.items()
            },
            "demos": {k: list(v.values()) for k, v in demos.items()},
        }
        object.__setattr__(self, "_backref_cache", cached)
        return cached


def relpath(path: Path, root: Path) -> str:
    """A path as shown in messages: relative to the repository root when possible, links not
    followed, and any control character in a file name shown as an escape."""
    try:
        shown = path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return _NAME_ESCAPES.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), shown)


_NAME_ESCAPES = re.compile(f"{UNSAFE_CHARS.pattern[:-1]}\n\t]")
"""Characters a file name may hold that must not reach a message as they are."""


def entry_file_problem(path: Path, folder: Path, root: Path) -> Problem | None:
    """Why `path` cannot be read as an entry of `folder` (a link out of it, a loop), or None."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return Problem(relpath(path, root), 1, "-", "symbolic link loop: it points back at itself")
    except OSError:
        return Problem(relpath(path, root), 1, "-", "symbolic link to a file that does not exist")
    if not target.is_relative_to(folder.resolve()):
        return Problem(
            relpath(path, root),
            1,
            "-",
            "symbolic link to a file outside catalog/: entries must live in the catalog",
        )
    return None


def validation_problems(exc: ValidationError, doc: SourceDoc, shown: str) -> list[Problem]:
    """Turn pydantic's errors into located problems, one per error."""
    problems = []
    for err in exc.errors(include_url=False):
        loc: Loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (not in the schema; check its spelling)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err.get("input") is not None and not isinstance(err["input"], dict | list):
            shown_input = repr(err["input"])
            if len(shown_input) > 60:
                shown_input = shown_input[:57] + "..."
            msg = f"{msg} (got {shown_input})"
        problems.append(Problem(shown, doc.line_of(loc), dotted(loc), msg))
    return problems


def parse_entry(
    model: type[E], path: Path, root: Path
) -> tuple[E | None, Source | None, list[Problem]]:
    """Parse and validate one entry file; on failure return its problems instead."""
    shown = relpath(path, root)
    refused = entry_file_problem(path, root / "catalog", root)
    if refused is not None:
        return None, None, [refused]
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, None, [Problem(shown, exc.line, exc.field, exc.message)]
    except OSError as exc:
        return None, None, [Problem(shown, 1, "-", f"cannot read file: {exc.strerror}")]
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        return None, None, [Problem(shown, 1, "-", f"expected a mapping of fields, got a {kind}")]
    try:
        entry = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, None, validation_problems(exc, doc, shown)
    return entry, Source(shown, doc), []


def load_catalog(root: Path) -> tuple[Catalog, list[Problem]]:
    """Load every file under `root/catalog`; return the catalog and the problems found while loading.

    `root` is the repository root (the folder that holds `catalog/`).
    """
    cat_dir = root / "catalog"
    catalog = Catalog(root=root)
    problems: list[Problem] = []
    if not cat_dir.is_dir():
        return catalog, [Problem(relpath(cat_dir, root), 1, "-", "catalog folder not found")]

    mod_path = cat_dir / "modalities.yaml"
    if mod_path.exists() or mod_path.is_symlink():
        vocab, source, found = parse_entry(ModalityFile, mod_path, root)
        problems += found
        if vocab is not None and source is not None:
            problems += _register(catalog, source, "group", "groups", "id", vocab.groups)
            problems += _register(
                catalog, source, "modality", "modalities", "slug", vocab.modalities
            )
    else:
        problems.append(Problem(relpath(mod_path, root), 1, "-", "modalities.yaml is missing"))

    catalog.hosts, found = load_hosts(root)
    problems += found

    for kind, folder in KIND_DIRS.items():
        model = ENTRY_MODELS[kind]
        target: dict[str, Any] = getattr(catalog, folder)
        kind_dir = cat_dir / folder
        if not kind_dir.is_dir():
            if kind_dir.is_symlink() or kind_dir.exists():
                problems.append(
                    Problem(
                        relpath(kind_dir, root), 1, "-", "not a folder (a file or a broken link)"
                    )
                )
            continue
        try:
            paths = sorted(kind_dir.iterdir())
        except OSError as exc:
            problems.append(
                Problem(relpath(kind_dir, root), 1, "-", f"cannot list folder: {exc.strerror}")
            )
            continue
        for path in paths:
            if path.name.startswith(".") or (path.is_dir() and not path.is_symlink()):
                continue
            if path.suffix == ".yml":
                problems.append(Problem(relpath(path, root), 1, "-", "use the .yaml extension"))
                continue
            if path.suffix != ".yaml":
                continue
            entry, source, found = parse_entry(model, path, root)
            problems += found
            if entry is None or source is None:
                continue
            entry_id = str(entry.id)  # type: ignore[attr-defined]
            if entry_id != path.stem:
                problems.append(
                    Problem(
                        source.path,
                        source.line("id"),
                        "id",
                        f"id `{entry_id}` does not match the file name `{path.name}` (expected `{path.stem}`)",
                    )
                )
                continue
            target[entry_id] = entry
            catalog.sources[(kind, entry_id)] = source
    return catalog, problems


def load_hosts(root: Path) -> tuple[SourceHosts | None, list[Problem]]:
    """The source classifier from `catalog/source_hosts.yaml`, or None with the problems found."""
    path = root / HOSTS_FILE
    if not (path.exists() or path.is_symlink()):
        missing = f"{HOSTS_FILE} is missing: sources cannot be classified"
        return None, [Problem(HOSTS_FILE, 1, "-", missing)]
    data, source, problems = parse_entry(SourceHostsFile, path, root)
    if data is None or source is None:
        return None, problems
    hosts, found = build_hosts(data, source)
    return (None if found else hosts), found


def _register(
    catalog: Catalog, source: Source, kind: str, field: str, key: str, items: list[Any]
) -> list[Problem]:
    """Add vocabulary items to the catalog by their key; a repeated key is a problem."""
    target: dict[str, Any] = getattr(catalog, field)
    problems = []
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in target:
            problems.append(
                Problem(
                    source.path,
                    source.line(field, i, key),
                    f"{field}[{i}].{key}",
                    f"duplicate {kind} `{value}`",
                )
            )
        target[value] = item
        catalog.sources[(kind, value)] = _sub_source(source, (field, i))
    return problems


def _sub_source(source: Source, prefix: Loc) -> Source:
    """A view of a vocabulary item's lines, so checks can locate its fields by relative path."""
    sub = SourceDoc(path=source.doc.path, data=None)
    n = len(prefix)
    sub.lines = {loc[n:]: line for loc, line in source.doc.lines.items() if loc[:n] == prefix}
    return Source(source.path, sub)


def validate(root: Path) -> tuple[Catalog, list[Problem]]:
    """Load and check the catalog under `root`; return it with every problem, sorted."""
    cat, problems = load_catalog(root)
    problems += check_catalog(cat)
    return cat, sorted(set(problems))


def open_catalog(root: Path) -> Catalog:
    """The checked catalog under `root` (its warnings in `.warnings`).

    Raises `CatalogInvalid` (a `CatalogError`) holding every problem when any is an error.
    """
    cat, problems = validate(root)
    if errors(problems):
        raise CatalogInvalid(problems)
    cat.warnings = problems
    return cat
