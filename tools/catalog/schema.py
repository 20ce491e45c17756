"""The catalog's schema: the only definition of what an entry may hold.

Every model forbids unknown fields. JSON Schema files for editors are generated from these models
(`python -m tools schema`), never written by hand.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ARXIV_RE = r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})$"
DOI_RE = r"^10\.\d{4,9}/[-._;()/:<>\[\]A-Za-z0-9]+$"
"""Crossref's recommended DOI pattern (plus `<>[]` of older Wiley DOIs); nothing that can break out
of a BibTeX field or a URL."""
TECHNIQUE_ID_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*-to-[a-z0-9]+(?:-[a-z0-9]+)*$"
PAPER_ID_RE = r"^(?:\d{4}\.\d{4,5}|[a-z0-9]+(?:[.-][a-z0-9]+)*)$"
TODO_MARK = "TODO"


UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # control characters (tab and newline are text)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks, embeddings, overrides
    "\u2028\u2029\ufeff"  # line/paragraph separators, a byte-order mark inside text
    "\ud800-\udfff"  # lone surrogates (a YAML escape can make one; they are not UTF-8)
    "\ufdd0-\ufdef\ufffe\uffff"  # noncharacters (U+FFFE breaks XML)
    "]"
)
"""Characters no catalog text may hold: they hide text, reorder it, or break the feed's XML."""


def char_name(ch: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`: a character as a message shows it."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def _safe_text(value: str) -> str:
    """Refuse control, bidirectional-override and noncharacters, naming the first one."""
    bad = UNSAFE_CHARS.search(value)
    if bad:
        raise ValueError(
            f"holds the invisible or control character {char_name(bad.group())} at position "
            f"{bad.start() + 1}: remove it"
        )
    return value


_URL_NOT_ALLOWED = set("<>\"'`{}|\\^")
"""Characters RFC 3986 does not allow in a URL (or that break out of HTML and BibTeX): encode them."""
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _http_url(value: str) -> str:
    """An absolute http(s) URL with a valid host and no user name, spaces or unsafe characters."""
    _safe_text(value)
    if any(ch.isspace() for ch in value):
        raise ValueError("must not hold spaces or line breaks: percent-encode them (%20)")
    odd = next((ch for ch in value if ch in _URL_NOT_ALLOWED), None)
    if odd is not None:
        raise ValueError(f"must not hold `{odd}`: percent-encode it (%{ord(odd):02X})")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not value.lower().startswith(f"{parts.scheme}://"):
        raise ValueError("must be an absolute http:// or https:// URL")
    if "@" in parts.netloc:
        raise ValueError(
            "must not hold a user name or password (`user@host`): it hides the real host"
        )
    host = parts.hostname or ""
    if not host:
        raise ValueError("has no host name")
    if port == 0:
        raise ValueError("has an invalid port 0")
    if parts.netloc.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(f"host `[{host}]` is not a valid IPv6 address") from None
        return value
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"host `{host}` is not a valid domain name") from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise ValueError(f"host `{host}` is not a valid domain name")
    return value


def _relative_path(value: str) -> str:
    """A path inside its folder: no leading `/`, no empty, `.` or `..` parts."""
    if value.startswith("/") or any(part in ("", ".", "..") for part in value.split("/")):
        raise ValueError(
            "must be a path inside its folder: no leading `/`, `//`, `.` or `..` parts"
        )
    return value


def _no_todo(value: str) -> str:
    """Refuse placeholder text left by `tools new` and `tools add-paper`."""
    if TODO_MARK in value:
        raise ValueError("still holds the TODO placeholder: write it in your own words")
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_RE, max_length=80)]
Url = Annotated[str, StringConstraints(max_length=500), AfterValidator(_http_url)]
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, strip_whitespace=True),
    AfterValidator(_safe_text),
]
Prose = Annotated[
    str,
    StringConstraints(min_length=1, max_length=600, strip_whitespace=True),
    AfterValidator(_safe_text),
    AfterValidator(_no_todo),
]
LongProse = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4000, strip_whitespace=True),
    AfterValidator(_safe_text),
    AfterValidator(_no_todo),
]
TechniqueId = Annotated[str, StringConstraints(pattern=TECHNIQUE_ID_RE, max_length=120)]
PaperId = Annotated[str, StringConstraints(pattern=PAPER_ID_RE, max_length=120)]


class Entry(BaseModel):
    """Base for every catalog model: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


class Maturity(StrEnum):
    """How far an application has come, from an idea to routine clinical use."""

    concept = "concept"
    research = "research"
    clinical_evaluation = "clinical-evaluation"
    clinical_use = "clinical-use"


class PaperKind(StrEnum):
    """What a paper contributes."""

    method = "method"
    survey = "survey"
    dataset = "dataset"
    benchmark = "benchmark"


class Access(StrEnum):
    """How a reader obtains a dataset."""

    open = "open"
    registration = "registration"
    credentialed = "credentialed"
    restricted = "restricted"
    unknown = "unknown"


class Group(Entry):
    """A section of the atlas (the seed's sections: text, image, ..., claims)."""

    id: Slug
    label: ShortText
    description: Prose


class Modality(Entry):
    """A data modality in the controlled vocabulary; `parent` makes `x-ray` an `image`."""

    slug: Slug
    label: ShortText
    group: Slug = Field(description="The group (section) id this modality belongs to.")
    parent: Slug | None = Field(default=None, description="A broader modality slug, or null.")
    aliases: list[ShortText] = Field(default_factory=list, description="Other names readers use.")
    description: Prose


class ModalityFile(Entry):
    """The whole `catalog/modalities.yaml`: the groups and the modality vocabulary."""

    groups: list[Group] = Field(min_length=1)
    modalities: list[Modality] = Field(min_length=1)


class Application(Entry):
    """One medical application of a technique, with how mature it is."""

    text: Prose
    maturity: Maturity


class LiteratureCheck(Entry):
    """A dated note saying what a search of the literature found (why a technique has few papers)."""

    checked: dt.date
    note: Prose


class SourceSearch(Entry):
    """A dated note that no canonical page (arXiv, publisher, PubMed, proceedings, official
    repository) was found for an entry, and where was searched."""

    checked: dt.date
    note: Prose


class Verification(Entry):
    """Where and when an entry's facts were checked."""

    source: Url
    date: dt.date
    fields: list[ShortText] = Field(
        default_factory=list, description="Fields this source confirmed."
    )


class ImportRecord(Entry):
    """Machine-derived provenance written by importers (`tools add-paper`); people leave it alone."""

    source: Url
    retrieved: dt.datetime | dt.date
    categories: list[ShortText] = Field(default_factory=list)
    abstract_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None


class Technique(Entry):
    """A modality pair (`<input>-to-<output>`): what it does and where medicine uses it."""

    id: TechniqueId = Field(description="`<input>-to-<output>`; equals the file name.")
    input: Slug = Field(description="Input modality slug.")
    output: Slug = Field(description="Output modality slug.")
    title: ShortText
    aliases: list[ShortText] = Field(default_factory=list, description="Names people search with.")
    summary: Prose = Field(description="One or two sentences ending with a period.")
    description: LongProse = Field(description="Markdown; our own words.")
    applications: list[Application] = Field(min_length=1)
    related: list[TechniqueId] = Field(default_factory=list)
    demos: list[Slug] = Field(default_factory=list)
    tags: list[Slug] = Field(default_factory=list)
    seed_sections: list[Slug] = Field(default_factory=list)
    literature: LiteratureCheck | None = None
    added: dt.date


class Paper(Entry):
    """A published paper or preprint; it names the techniques it belongs to."""

    id: PaperId = Field(description="arXiv id without version, else a DOI-derived slug.")
    title: Annotated[
        str, StringConstraints(min_length=3, max_length=400), AfterValidator(_safe_text)
    ]
    authors: list[ShortText] = Field(min_length=1)
    authors_complete: bool = Field(
        default=True,
        description="False when the verified sources list only the first authors; shown as 'et al.'.",
    )
    year: int = Field(ge=1950, le=2100)
    venue: ShortText | None = None
    arxiv: Annotated[str, StringConstraints(pattern=ARXIV_RE)] | None = None
    doi: Annotated[str, StringConstraints(pattern=DOI_RE, max_length=200)] | None = None
    url: Url
    pdf: Url | None = None
    code: list[Url] = Field(default_factory=list, description="Official code repositories.")
    kind: PaperKind
    techniques: list[TechniqueId] = Field(min_length=1)
    datasets: list[Slug] = Field(default_factory=list)
    summary: Prose = Field(
        description="One to three sentences in our own words, ending with a period."
    )
    keywords: list[ShortText] = Field(default_factory=list)
    verified: list[Verification] = Field(min_length=1)
    no_canonical_source: SourceSearch | None = Field(
        default=None, description="Set when no canonical page could be found: where was searched."
    )
    imported: ImportRecord | None = None
    added: dt.date


class Dataset(Entry):
    """A dataset that papers or demos use."""

    id: Slug
    name: ShortText
    modalities: list[Slug] = Field(min_length=1)
    summary: Prose
    size: ShortText | None = None
    access: Access
    license: ShortText | None = None
    url: Url
    paper: PaperId | None = None
    techniques: list[TechniqueId] = Field(default_factory=list)
    verified: list[Verification] = Field(min_length=1)
    no_canonical_source: SourceSearch | None = Field(
        default=None, description="Set when no canonical page could be found: where was searched."
    )
    added: dt.date


class DemoNeeds(Entry):
    """What running a demo takes."""

    cpu_minutes: float | None = Field(
        default=None, gt=0, description="Quickstart minutes on a CPU."
    )
    gpu: ShortText | None = Field(
        default=None, description="What a GPU adds, or that one is needed."
    )


class Demo(Entry):
    """A runnable reference implementation in `demos/`, linked from the techniques it illustrates."""

    id: Slug
    title: ShortText
    summary: Prose
    description: LongProse
    techniques: list[TechniqueId] = Field(min_length=1)
    package: Annotated[str, StringConstraints(pattern=r"^demos\.[a-z_]+$")]
    command: ShortText
    needs: DemoNeeds
    figure: Annotated[
        str,
        StringConstraints(pattern=r"^[A-Za-z0-9_./-]+\.(png|jpg|gif|svg)$"),
        AfterValidator(_relative_path),
    ] = Field(description="Image file, relative to catalog/demos/.")
    figure_caption: Prose
    model_card: Annotated[
        str,
        StringConstraints(pattern=r"^demos/[A-Za-z0-9_./-]+\.md$"),
        AfterValidator(_relative_path),
    ] = Field(description="The demo's model card, relative to the repository.")
    paper: PaperId | None = None
    added: dt.date


ENTRY_MODELS: dict[str, type[Entry]] = {
    "technique": Technique,
    "paper": Paper,
    "dataset": Dataset,
    "demo": Demo,
}
"""Entry kind -> model; each kind lives in `catalog/<kind>s/<id>.yaml`."""

SCHEMA_FILES: dict[str, type[Entry]] = {
    "modalities": ModalityFile,
    **ENTRY_MODELS,
}
"""Name of each generated `catalog/schemas/<name>.schema.json` -> its model."""


def json_schema(model: type[Entry]) -> dict[str, Any]:
    """The JSON Schema that editors use for one kind of file."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
