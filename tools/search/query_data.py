"""The data files of query understanding (`tools/search/data/*.yaml`): their schema and loading.

A bad file is a `SearchError` naming the file, line and field, as catalog entries are reported.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from tools.catalog.load import validation_problems
from tools.catalog.yaml_source import YamlError, load_yaml
from tools.search.errors import SearchError

DATA_DIR = Path(__file__).resolve().parent / "data"
PATTERNS_FILE = DATA_DIR / "query_patterns.yaml"
ACRONYMS_FILE = DATA_DIR / "acronyms.yaml"
NO_MATCH_FILE = DATA_DIR / "no_match.yaml"

Word = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ]*$", max_length=60)]
TEMPLATE_TOKEN = re.compile(
    r"^(\{[a-z]+\}|\{(in|out):!?[a-z0-9-]+\}|\(([a-z0-9]+\|)*[a-z0-9]+\)\??|[a-z0-9]+\??)$"
)
PLACEHOLDERS = {"in", "out", "m", "gap", "near"}


M = TypeVar("M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pattern(_Strict):
    """One phrasing: a template over the token string, and the roles it implies."""

    match: str = Field(min_length=1, max_length=200)
    implies: dict[Literal["in", "out"], str] = Field(default_factory=dict)


class PatternFile(_Strict):
    """query_patterns.yaml."""

    max_gap: int = Field(ge=0, le=10)
    gap_stops: list[Word] = Field(default_factory=list)
    case_sensitive: list[str] = Field(default_factory=list)
    cues: dict[str, list[Word]]
    patterns: list[Pattern] = Field(min_length=1)

    @model_validator(mode="after")
    def _templates_are_sound(self) -> PatternFile:
        for i, pattern in enumerate(self.patterns):
            tokens = pattern.match.split()
            for token in tokens:
                if not TEMPLATE_TOKEN.match(token):
                    raise ValueError(f"patterns[{i}]: `{token}` is not a word, (a|b) or {{cue}}")
                if token.startswith("{") and ":" not in token:
                    name = token[1:-1]
                    if name not in PLACEHOLDERS and name not in self.cues:
                        raise ValueError(f"patterns[{i}]: `{token}` names no cue list")
            if not any(t.startswith(("{in", "{out")) for t in tokens):
                raise ValueError(f"patterns[{i}]: a pattern needs {{in}} or {{out}}")
            if "same" in pattern.implies.values() and "{in}" not in tokens:
                raise ValueError(f"patterns[{i}]: `same` needs an {{in}} to copy")
        return self


class Acronym(_Strict):
    """One abbreviation and what it stands for."""

    short: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]+$", max_length=20)]
    expansion: Annotated[str, StringConstraints(min_length=2, max_length=120)]
    case_sensitive: bool = False


class AcronymFile(_Strict):
    """acronyms.yaml."""

    acronyms: list[Acronym] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> AcronymFile:
        seen: set[str] = set()
        for i, item in enumerate(self.acronyms):
            key = item.short if item.case_sensitive else item.short.lower()
            if key in seen:
                raise ValueError(f"`{item.short}` (acronyms[{i}]) is listed twice")
            seen.add(key)
        return self


class KindThreshold(_Strict):
    """One kind's measured "no close match" cut and what it was measured on."""

    threshold: float = Field(ge=-1.0, le=1.0)
    related_min: float = Field(ge=-1.0, le=1.0)
    unrelated_max: float = Field(ge=-1.0, le=1.0)
    balanced_accuracy: float = Field(ge=0.0, le=1.0)
    related: int = Field(ge=1)
    unrelated: int = Field(ge=1)


class NoMatchFile(_Strict):
    """no_match.yaml: written by `benchmarks/search_quality.py --write-thresholds`."""

    encoder: str = Field(min_length=1)
    catalog: dict[str, int]
    thresholds: dict[Literal["technique", "paper", "dataset"], KindThreshold]


def _load(model: type[M], path: Path) -> M:
    shown = path.name if path.parent == DATA_DIR else str(path)
    shown = f"tools/search/data/{shown}" if path.parent == DATA_DIR else shown
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        raise SearchError(f"{shown}:{exc.line}: {exc.field}: {exc.message}") from None
    except OSError as exc:
        raise SearchError(f"{shown}:1: -: cannot read file: {exc.strerror}") from None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = validation_problems(exc, doc, shown)
        raise SearchError("\n".join(str(p) for p in problems)) from None


def load_patterns(path: Path = PATTERNS_FILE) -> PatternFile:
    """The query patterns; SearchError (file:line: field: message) when the file is bad."""
    return _load(PatternFile, path)


def load_acronyms(path: Path = ACRONYMS_FILE) -> AcronymFile:
    """The acronym list; SearchError (file:line: field: message) when the file is bad."""
    return _load(AcronymFile, path)


@cache
def default_data() -> tuple[PatternFile, AcronymFile]:
    """The shipped files, read once per process."""
    return load_patterns(), load_acronyms()


def load_no_match(path: Path = NO_MATCH_FILE) -> NoMatchFile:
    """The measured "no close match" thresholds; SearchError (file:line: field: message) when the
    file is bad."""
    return _load(NoMatchFile, path)
