"""Import a paper's metadata from arXiv into `catalog/papers/<id>.yaml` (`tools add-paper`).

Machine-derived fields (title, authors, year, ids, links, `imported`) come from arXiv; what people
write (summary, techniques, keywords, venue, code, comments) is never touched by `--update`.
Writes are atomic and idempotent: when nothing changed, nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import arxiv
import requests
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tools.catalog.load import Catalog
from tools.catalog.schema import Paper
from tools.importers.entry_files import (
    ImportFailure,
    check_owned_fields,
    read_entry,
    write_entry,
)

ARXIV_API = "https://export.arxiv.org/api/query?{}"
MACHINE_FIELDS = ("title", "authors", "year", "arxiv", "url", "pdf")
"""Fields `--update` refreshes from arXiv; everything else belongs to people."""

_ID_PATTERNS = (
    r"(?:arxiv:)?(?P<id>\d{4}\.\d{4,5})(?:v\d+)?",
    r"(?:arxiv:)?(?P<id>[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    r"https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?",
)


@dataclass(frozen=True)
class ArxivRecord:
    """What arXiv says about one paper."""

    arxiv_id: str
    title: str
    authors: list[str]
    published: dt.datetime
    categories: list[str]
    abstract: str
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def withdrawn(self) -> bool:
        """arXiv marks withdrawn papers in the comment (and replaces the abstract)."""
        text = f"{self.comment or ''} {self.abstract[:200]}".lower()
        return "withdrawn" in text


def parse_arxiv_ref(ref: str) -> str:
    """An arXiv id without version from an id, `arXiv:` form or abs/pdf URL; else ImportFailure."""
    text = ref.strip()
    for pattern in _ID_PATTERNS:
        match = re.fullmatch(pattern, text, flags=re.IGNORECASE)
        if match:
            return match.group("id")
    raise ImportFailure(
        f"`{ref}` is not an arXiv id or URL (expected e.g. 2410.13823 or https://arxiv.org/abs/2410.13823)"
    )


class _TimeoutSession(requests.Session):
    """A session that applies a timeout to every request (the arxiv client sets none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self._timeout)
        return super().request(*args, **kwargs)


class _MalformedFeed(Exception):
    pass


class _Client(arxiv.Client):
    """The arxiv package's client with a timeout, no inner retries and malformed feeds detected."""

    def __init__(self, api_url: str, timeout: float) -> None:
        super().__init__(page_size=10, delay_seconds=0.0, num_retries=0)
        self.query_url_format = api_url
        self._session = _TimeoutSession(timeout)

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0) -> Any:
        feed = super()._parse_feed(url, first_page=first_page, _try_index=_try_index)
        if getattr(feed, "malformed", False):
            raise _MalformedFeed(str(getattr(feed, "error", None) or "not an Atom feed"))
        header = getattr(feed, "header", None)
        if not feed.results and getattr(header, "items_per_page", 0) == 0:
            # a real answer always carries its opensearch header, even when empty
            raise _MalformedFeed("no feed header and no entries")
        return feed


@dataclass
class Fetcher:
    """Fetches records with retries and exponential backoff; `sleep` is injectable for tests."""

    api_url: str = field(default_factory=lambda: os.environ.get("MEDGEN_ARXIV_API", ARXIV_API))
    timeout: float = 15.0
    retries: int = 3
    backoff: float = 2.0
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"retries must be 0 or more (got {self.retries})")
        if not 0 < self.timeout < float("inf"):
            raise ValueError(f"timeout must be a finite number above 0 (got {self.timeout})")

    def fetch(self, arxiv_id: str) -> ArxivRecord:
        """Fetch one paper; raise ImportFailure with a clear message after the last retry."""
        last = "no answer"
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                results = list(
                    _Client(self.api_url, self.timeout).results(arxiv.Search(id_list=[arxiv_id]))
                )
            except arxiv.HTTPError as exc:
                last = f"arXiv answered HTTP {exc.status}"
                if exc.status not in (429, 500, 502, 503, 504):
                    break
                continue
            except requests.Timeout:
                last = f"arXiv did not answer within {self.timeout:g} s"
                continue
            except requests.ConnectionError:
                last = "could not connect to arXiv (offline?)"
                continue
            except _MalformedFeed as exc:
                last = f"arXiv sent a malformed feed ({exc})"
                continue
            except arxiv.ArxivError as exc:
                last = f"arXiv error: {exc}"
                continue
            match = [
                r
                for r in results
                if r.get_short_id().split("v")[0] == arxiv_id
                or _strip_version(r.get_short_id()) == arxiv_id
            ]
            if not match:
                raise ImportFailure(f"arXiv has no paper with id {arxiv_id}; check the id")
            return _record(match[0], arxiv_id)
        raise ImportFailure(
            f"could not fetch {arxiv_id} after {self.retries + 1} tries: {last}; nothing was written"
        )


def fetch_addable(ref: str, fetcher: Fetcher) -> ArxivRecord:
    """The arXiv record of `ref` (id or URL); ImportFailure for an old-style id or a withdrawn paper."""
    arxiv_id = parse_arxiv_ref(ref)
    if "/" in arxiv_id:
        raise ImportFailure(
            f"old-style arXiv id {arxiv_id}: add it with `tools new paper --doi ...` instead"
        )
    record = fetcher.fetch(arxiv_id)
    if record.withdrawn:
        raise ImportFailure(
            f"arXiv marks {arxiv_id} as withdrawn ({record.comment or 'see its page'}); it does not belong in the atlas"
        )
    return record


def _strip_version(short_id: str) -> str:
    return re.sub(r"v\d+$", "", short_id)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _record(result: arxiv.Result, arxiv_id: str) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id=arxiv_id,
        title=_clean(result.title),
        authors=[_clean(a.name) for a in result.authors],
        published=result.published,
        categories=list(result.categories),
        abstract=_clean(result.summary),
        doi=result.doi or None,
        journal_ref=result.journal_ref or None,
        comment=result.comment or None,
    )


def machine_fields(record: ArxivRecord) -> dict[str, Any]:
    """The fields `add-paper` owns, as they should read in the YAML."""
    return {
        "title": record.title,
        "authors": list(record.authors),
        "year": record.published.year,
        "arxiv": record.arxiv_id,
        "url": record.abs_url,
        "pdf": record.pdf_url,
    }


def import_record(record: ArxivRecord, now: dt.datetime) -> dict[str, Any]:
    """The `imported` block: where and when the metadata came from."""
    return {
        "source": record.abs_url,
        "retrieved": now.replace(microsecond=0),
        "categories": list(record.categories),
        "abstract_sha256": hashlib.sha256(record.abstract.encode("utf-8")).hexdigest(),
    }


TODO_SUMMARY = "TODO write one to three sentences in your own words (never paste the abstract)."


def _yaml() -> YAML:
    y = YAML()  # round-trip: keeps comments and key order
    # never write anchors and aliases (`date: &id001 ...`): the catalog's loader refuses them, and
    # a shared value (today's date in `verified` and `added`) would otherwise become one
    y.representer.ignore_aliases = lambda *args: True
    y.preserve_quotes = True
    y.width = 100
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.ignore_aliases = lambda _data: True  # one value used twice: no `&id001` anchors
    return y


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def new_entry(record: ArxivRecord, techniques: list[str], now: dt.datetime) -> str:
    """YAML text of a new entry, checked against the schema (all but the TODO summary)."""
    data: dict[str, Any] = {
        "id": record.arxiv_id,
        **machine_fields(record),
        "kind": "method",
        "techniques": techniques,
        "summary": TODO_SUMMARY,
        "keywords": [],
        "verified": [
            {
                "source": record.abs_url,
                "date": now.date(),
                "fields": ["title", "authors", "year", "arxiv"],
            }
        ],
        "imported": import_record(record, now),
        "added": now.date(),
    }
    if record.doi:
        data["doi"] = record.doi
    try:
        Paper.model_validate({**data, "summary": "Placeholder."})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ImportFailure(
            f"arXiv metadata does not fit the schema: {where}: {first['msg']}"
        ) from None
    ordered = {k: data[k] for k in ENTRY_ORDER if k in data}
    return paper_yaml(
        ordered,
        {
            "kind": "method | survey | dataset | benchmark",
            "imported": "Written by `tools add-paper`; refreshed by --update. Leave it alone.",
        },
    )


ENTRY_ORDER = (
    "id", "title", "authors", "year", "venue", "arxiv", "doi", "url", "pdf", "kind", "techniques",
    "summary", "keywords", "verified", "imported", "added",
)  # fmt: skip


def paper_yaml(data: dict[str, Any], comments: dict[str, str]) -> str:
    """A new paper file: the schema line, the fields in order, comments above the named keys."""
    doc = CommentedMap()
    for key, value in data.items():
        doc[key] = _flow(value) if key in ("authors", "techniques", "keywords") else value
    notes = {"summary": "Write this yourself: 1-3 sentences, ending with a period.", **comments}
    for key, note in notes.items():
        if key in doc:
            doc.yaml_set_comment_before_after_key(key, before=note)
    out = io.StringIO()
    out.write("# yaml-language-server: $schema=../schemas/paper.schema.json\n")
    _yaml().dump(doc, out)
    return out.getvalue()


def updated_entry(text: str, record: ArxivRecord, now: dt.datetime) -> str | None:
    """The entry with machine fields refreshed, or None when they are already current."""
    y = _yaml()
    doc = y.load(text)
    if not isinstance(doc, CommentedMap):
        raise ImportFailure("the existing file is not a YAML mapping; fix it by hand first")
    fresh = machine_fields(record)
    current = {
        k: (list(doc[k]) if isinstance(doc.get(k), list) else doc.get(k)) for k in MACHINE_FIELDS
    }
    stamp = doc.get("imported") or {}
    same_import = (
        stamp.get("abstract_sha256") == import_record(record, now)["abstract_sha256"]
        and list(stamp.get("categories", [])) == record.categories
    )
    if current == fresh and same_import:
        return None
    for key, value in fresh.items():
        if key == "authors":
            doc[key] = _flow(value)
        else:
            doc[key] = value
    doc["imported"] = import_record(record, now)
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue()


@dataclass
class AddResult:
    """What `add_paper` did."""

    path: Path
    action: str  # "created" | "updated" | "unchanged" | "differs"
    record: ArxivRecord


def add_paper(
    cat: Catalog,
    record: ArxivRecord,
    techniques: list[str],
    update: bool,
    now: dt.datetime | None = None,
) -> AddResult:
    """Create or refresh `catalog/papers/<id>.yaml`; never overwrite without `update`.

    ImportFailure when the existing file cannot be read, when the refreshed entry would break the
    schema in a field the import owns, or when the file cannot be written; the file is then
    unchanged.
    """
    stamp = now or dt.datetime.now(dt.UTC)
    path = cat.folder("paper") / f"{record.arxiv_id.replace('/', '-')}.yaml"
    if path.exists() or path.is_symlink():
        text = read_entry(path)
        new_text = updated_entry(text, record, stamp)
        if new_text is None:
            return AddResult(path, "unchanged", record)
        if not update:
            return AddResult(path, "differs", record)
        check_owned_fields(path, new_text, (*MACHINE_FIELDS, "imported"))
        write_entry(path, new_text)
        return AddResult(path, "updated", record)
    write_entry(path, new_entry(record, techniques, stamp))
    return AddResult(path, "created", record)
