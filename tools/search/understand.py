"""Query understanding: acronyms expanded, the modalities a query names, and their roles.

The rules are data (`tools/search/data/query_patterns.yaml`, `acronyms.yaml`, and the names and
aliases in `catalog/modalities.yaml`); this module applies them, and `export()` hands the same
tables to the search page, whose `query.js` applies them the same way. How a query is read is
described at the top of query_patterns.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tools.catalog.schema import Modality
from tools.search.keyword import TOKEN_RE, stem
from tools.search.query_data import AcronymFile, PatternFile, default_data

MENTION = r"@[a-z0-9-]+\.[0-9]+"


def words(text: str) -> list[tuple[str, str]]:
    """(as written, lower-cased and plural-stripped) for each word of `text`."""
    return [(w, stem(w.lower())) for w in TOKEN_RE.findall(text)]


def norm_phrase(text: str) -> str:
    """A phrase as the patterns see it: its normalised words joined by single spaces."""
    return " ".join(n for _, n in words(text))


@dataclass(frozen=True)
class Direction:
    """Modalities a query names: as input, as output, or with no role its phrasing gives."""

    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()

    @property
    def directed(self) -> bool:
        """Whether the phrasing gave any modality a role."""
        return bool(self.inputs or self.outputs)


@dataclass(frozen=True)
class Understood:
    """A query as search reads it: the text with acronyms expanded, and its direction."""

    text: str
    expansions: tuple[tuple[str, str], ...] = ()
    direction: Direction = field(default_factory=Direction)
    original: str = ""
    """The text as typed, before acronyms were expanded (names are matched in both)."""


def _template_regex(
    template: str, cues: Mapping[str, list[str]], max_gap: int, stops: list[str]
) -> str:
    """A pattern template as a Python regular expression over the token string (see the data)."""
    parts = []
    stop = "(?!(?:" + "|".join(sorted({norm_phrase(w) for w in stops})) + ") )" if stops else ""
    for token in template.split():
        if token in ("{in}", "{out}"):
            parts.append(f"(?P<{token[1:-1]}>{MENTION}) ")
        elif token.startswith(("{in:", "{out:")):
            role, slug = token[1:-1].split(":")
            if slug.startswith("!"):  # any mention but one of that modality
                slug = slug[1:]
                parts.append(f"(?P<{role}>@(?!{re.escape(slug)}\\.)[a-z0-9-]+\\.[0-9]+) ")
            else:
                parts.append(f"(?P<{role}>@{re.escape(slug)}\\.[0-9]+) ")
        elif token == "{m}":
            parts.append(f"{MENTION} ")
        elif token == "{gap}":
            parts.append(f"(?:[^@ ][^ ]* ){{0,{max_gap}}}?")
        elif token == "{near}":
            parts.append(f"(?:{stop}[^@ ][^ ]* ){{0,{max_gap}}}?")
        elif token.startswith("{"):
            alts = sorted({norm_phrase(w) for w in cues[token[1:-1]]}, key=lambda a: (-len(a), a))
            parts.append("(?:" + "|".join(alts) + ") ")
        else:
            optional = token.endswith("?")
            body = token.rstrip("?")
            if body.startswith("("):
                alts = [stem(a) for a in body[1:-1].split("|")]
                piece = "(?:" + "|".join(alts) + ") "
            else:
                piece = stem(body) + " "
            parts.append(f"(?:{piece})?" if optional else piece)
    return "".join(parts)


@dataclass(frozen=True)
class CompiledPattern:
    """A pattern ready to match, with the roles it implies."""

    template: str
    regex: re.Pattern[str]
    implies: Mapping[str, str]


class QueryReader:
    """Reads queries with the modalities of a catalog and the shipped (or given) data files."""

    def __init__(
        self,
        modalities: Mapping[str, Modality],
        patterns: PatternFile | None = None,
        acronyms: AcronymFile | None = None,
    ) -> None:
        default_patterns, default_acronyms = default_data()
        self.patterns_file = patterns or default_patterns
        self.acronyms_file = acronyms or default_acronyms
        self.labels = {slug: m.label for slug, m in modalities.items()}
        self.ancestors: dict[str, tuple[str, ...]] = {}
        for slug in modalities:
            chain, seen, parent = [], {slug}, modalities[slug].parent
            while parent and parent in modalities and parent not in seen:
                chain.append(parent)
                seen.add(parent)
                parent = modalities[parent].parent
            self.ancestors[slug] = tuple(chain)
        cased = set(self.patterns_file.case_sensitive)
        self.terms: dict[str, str] = {}
        self.exact: dict[str, str] = {}
        self.conflicts: list[str] = []
        """Names or aliases given to two modalities (the first keeps them; a test keeps it empty)."""
        for slug, modality in modalities.items():
            for name in (slug.replace("-", " "), modality.label, *modality.aliases):
                table, key = (
                    (self.exact, " ".join(w for w, _ in words(name)))
                    if name in cased
                    else (self.terms, norm_phrase(name))
                )
                if not key:
                    continue
                if table.get(key, slug) != slug:
                    self.conflicts.append(f"`{name}` names both {table[key]} and {slug}")
                    continue
                table[key] = slug
        self.max_len = max((len(k.split()) for k in (*self.terms, *self.exact)), default=1)
        self.compiled = [
            CompiledPattern(
                p.match,
                re.compile(
                    _template_regex(
                        p.match,
                        self.patterns_file.cues,
                        self.patterns_file.max_gap,
                        self.patterns_file.gap_stops,
                    )
                ),
                {str(role): value for role, value in p.implies.items()},
            )
            for p in self.patterns_file.patterns
        ]
        self.acronyms_exact = {
            a.short: a.expansion for a in self.acronyms_file.acronyms if a.case_sensitive
        }
        self.acronyms_any = {
            a.short.lower(): a.expansion
            for a in self.acronyms_file.acronyms
            if not a.case_sensitive
        }

    # ---- acronyms ----

    def expansion(self, word: str) -> str | None:
        """What `word` stands for, if it is a listed acronym (its plural `s` may be stripped)."""
        if word in self.acronyms_exact:
            return self.acronyms_exact[word]
        lower = word.lower()
        return self.acronyms_any.get(lower) or self.acronyms_any.get(stem(lower))

    def expand(self, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """`text` with each acronym followed by its expansion in brackets, and what was expanded."""
        used: list[tuple[str, str]] = []

        def sub(match: re.Match[str]) -> str:
            word = match.group(0)
            meaning = self.expansion(word)
            if meaning is None:
                return word
            if (word, meaning) not in used:
                used.append((word, meaning))
            return f"{word} ({meaning})"

        return TOKEN_RE.sub(sub, text), tuple(used)

    # ---- modalities and roles ----

    def mentions(self, text: str) -> tuple[list[str], list[str]]:
        """(token strings, mention slugs): each word normalised, each mention as `@slug.k`."""
        toks = words(text)
        items: list[tuple[str, str]] = []  # ("w", word) or ("m", slug)
        i = 0
        while i < len(toks):
            for length in range(min(self.max_len, len(toks) - i), 0, -1):
                chunk = toks[i : i + length]
                slug = self.exact.get(" ".join(w for w, _ in chunk)) or self.terms.get(
                    " ".join(n for _, n in chunk)
                )
                if slug:
                    break
            else:
                items.append(("w", toks[i][1]))
                i += 1
                continue
            back = self._joined(items)
            if back and self._related(items[-back][1], slug):
                merged = self._specific(items[-back][1], slug)
                del items[len(items) - back :]
                items.append(("m", merged))
            else:
                items.append(("m", slug))
            i += length
        tokens: list[str] = []
        slugs: list[str] = []
        for what, value in items:
            if what == "m":
                tokens.append(f"@{value}.{len(slugs)}")
                slugs.append(value)
            else:
                tokens.append(value)
        return tokens, slugs

    @staticmethod
    def _joined(items: list[tuple[str, str]]) -> int:
        """How far back the mention just before is, when nothing or `of (the|a|an)` separates
        it from the next one (0: there is none)."""
        for back, between in ((1, ()), (2, ("of",)), (3, ("of", "the")), (3, ("of", "a"))):
            if (
                len(items) >= back
                and items[-back][0] == "m"
                and tuple(v for _, v in items[len(items) - back + 1 :]) == between
            ):
                return back
        return 0

    def _related(self, a: str, b: str) -> bool:
        return a == b or a in self.ancestors.get(b, ()) or b in self.ancestors.get(a, ())

    def _specific(self, a: str, b: str) -> str:
        return b if a in self.ancestors.get(b, ()) else a

    def direction(self, text: str) -> Direction:
        """The modalities `text` names and the roles its phrasing gives them."""
        tokens, slugs = self.mentions(text)
        line = "".join(t + " " for t in tokens)
        starts, at = [], 0
        for t in tokens:
            starts.append(at)
            at += len(t) + 1
        roles: dict[int, str] = {}
        implied: dict[str, list[str]] = {"in": [], "out": []}
        for pattern in self.compiled:
            for pos in starts:
                match = pattern.regex.match(line, pos)
                if match is None:
                    continue
                got: dict[str, int] = {}
                for role in ("in", "out"):
                    captured = match.groupdict().get(role)
                    if captured is not None:
                        got[role] = int(captured.rsplit(".", 1)[1])
                if any(roles.get(index, role) != role for role, index in got.items()):
                    continue  # it reads a mention against the role an earlier pattern gave it
                for role, index in got.items():
                    roles[index] = role
                for role, value in pattern.implies.items():
                    other = "in" if role == "out" else "out"
                    source = got.get(other)
                    if source is not None and roles[source] != other:
                        continue  # the mention this pattern read already had the other role
                    if value == "same":
                        if source is None:
                            continue
                        value = slugs[source]
                    if value not in implied[role]:
                        implied[role].append(value)

        def unique(items: list[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(items))

        inputs = unique([slugs[i] for i in sorted(roles) if roles[i] == "in"] + implied["in"])
        outputs = unique([slugs[i] for i in sorted(roles) if roles[i] == "out"] + implied["out"])
        rest = [s for i, s in enumerate(slugs) if i not in roles and s not in (*inputs, *outputs)]
        return Direction(inputs, outputs, unique(rest))

    def read(self, text: str) -> Understood:
        """Expand acronyms, then find the direction of the expanded text."""
        expanded, used = self.expand(text)
        return Understood(expanded, used, self.direction(expanded), text)

    def export(self) -> dict[str, object]:
        """The same tables for the search page (`query.js`), as JSON-ready data."""
        return {
            "acronyms_exact": self.acronyms_exact,
            "acronyms_any": self.acronyms_any,
            "terms": self.terms,
            "exact": self.exact,
            "max_len": self.max_len,
            "ancestors": {k: list(v) for k, v in self.ancestors.items()},
            "labels": self.labels,
            "patterns": [
                {"regex": p.regex.pattern.replace("(?P<", "(?<"), "implies": dict(p.implies)}
                for p in self.compiled
            ],
        }
