"""Classify a source address as canonical, secondary or rejected, from `catalog/source_hosts.yaml`.

Rejected by rule, whatever the data file says: addresses with a user name (`user@host` hides the
real host), hosts with a trailing dot, raw IP addresses, `.`/`..` path segments, look-alikes of a listed host (letters of other scripts folded to Latin ones give a listed
host) and any other internationalised host name not listed in the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from tools.catalog.problems import Problem
from tools.catalog.schema_hosts import SourceHostsFile
from tools.catalog.trust import fold_confusables

if TYPE_CHECKING:
    from tools.catalog.load import Source

HOSTS_FILE = "catalog/source_hosts.yaml"


class HostClass(StrEnum):
    """How far a source can be trusted."""

    canonical = "canonical"
    secondary = "secondary"
    rejected = "rejected"
    unclassified = "unclassified"


@dataclass(frozen=True)
class Classified:
    """A source's class, its reader label (the reason, for a rejected one) and its host."""

    cls: HostClass
    label: str
    host: str


@dataclass(frozen=True)
class Rule:
    """A mixed host's rule (an unconditional one for a plain host)."""

    cls: HostClass
    label: str
    path: str | None = None
    own: bool | None = None
    entry: str | None = None


_NUMERIC_HOST = re.compile(r"^(?:[0-9.]+|0x[0-9a-f.x]+)$")
"""Hosts that browsers read as an IP address (`3232235777`, `0x7f.1`)."""


def _pattern(host: str) -> re.Pattern[str]:
    labels = [
        r"[a-z0-9-]+(?:\.[a-z0-9-]+)*" if lab == "*" else re.escape(lab) for lab in host.split(".")
    ]
    return re.compile(r"\.".join(labels) + r"\Z")


class SourceHosts:
    """The classifier: host (or host pattern) -> rules, tried in order."""

    def __init__(self, hosts: dict[str, list[Rule]]) -> None:
        self.exact = {h: rules for h, rules in hosts.items() if "*" not in h}
        self.patterns = [(_pattern(h), rules) for h, rules in hosts.items() if "*" in h]

    def rules_for(self, host: str) -> list[Rule] | None:
        """The rules of a host: listed exactly, else by pattern; `www.` falls back to the rest."""
        for name in (host, host.removeprefix("www.")) if host.startswith("www.") else (host,):
            if name in self.exact:
                return self.exact[name]
            for pattern, rules in self.patterns:
                if pattern.match(name):
                    return rules
        return None

    def classify(self, url: str, own: Sequence[str] = (), entry: str = "paper") -> Classified:
        """The class of `url` cited by a `entry` (paper or dataset) whose own addresses are `own`."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return Classified(HostClass.rejected, "not a valid address", url)
        refused = _refused_by_rule(parts.netloc, host) or _refused_path(url)
        if refused:
            return Classified(HostClass.rejected, refused, host)
        ascii_host = host if host.isascii() else _ascii(host)
        if "xn--" in ascii_host:  # an internationalised name: listed as such, or rejected
            folded = _ascii(fold_confusables(_unicode(ascii_host)))
            if folded != ascii_host and self.rules_for(folded) is not None:
                return Classified(
                    HostClass.rejected, f"look-alike of {folded} ({ascii_host})", host
                )
            if self.rules_for(ascii_host) is None:
                why = f"a host in non-Latin or look-alike letters ({ascii_host}) that is not listed"
                return Classified(HostClass.rejected, why, host)
        rules = self.rules_for(ascii_host)
        if rules is None:
            return Classified(HostClass.unclassified, "", host)
        for rule in rules:
            if rule.path is not None and not parts.path.startswith(rule.path):
                continue
            if rule.entry is not None and rule.entry != entry:
                continue
            if rule.own is not None and rule.own != any(same_resource(url, link) for link in own):
                continue
            return Classified(rule.cls, rule.label, host)
        return Classified(HostClass.unclassified, "", host)  # pragma: no cover (last rule matches)


def _refused_by_rule(netloc: str, host: str) -> str | None:
    """Why an address is rejected whatever its host, or None."""
    if "@" in netloc:
        return "the address holds a user name (`user@host`), which hides the real host"
    if not host:
        return "the address has no host"
    if host.endswith("."):
        return f"a host with a trailing dot: write {host.rstrip('.')} without it"
    if ":" in host or _NUMERIC_HOST.match(host):  # IPv6, dotted or bare numbers (`3232235777`)
        return "a raw IP address, not a named site"
    return None


def _refused_path(url: str) -> str | None:
    """Why an address is rejected for its path: `.`/`..` segments (also percent-encoded) point to
    another page than the one the path prefix names."""
    parts = urlsplit(url)
    segments = unquote(parts.path).split("/")
    if any(seg in (".", "..") for seg in segments):
        return "the address has `.` or `..` path segments, which lead to another page"
    return None


def _ascii(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _unicode(host: str) -> str:
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


@lru_cache(maxsize=8192)
def _key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.lower().rstrip("/").removesuffix(".git")
    return host, path


def same_resource(url: str, own: str) -> bool:
    """Whether `url` is `own` or a page under it (github.com/o/r/blob/... under github.com/o/r)."""
    try:
        (host, path), (own_host, own_path) = _key(url), _key(own)
    except ValueError:
        return False
    return host == own_host and (path == own_path or path.startswith(own_path + "/"))


def build_hosts(data: SourceHostsFile, source: Source) -> tuple[SourceHosts, list[Problem]]:
    """The classifier of a parsed data file; a host listed twice is a problem at its line."""
    hosts: dict[str, list[Rule]] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []

    def add(host: str, rules: list[Rule], loc: tuple[str | int, ...]) -> None:
        field = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
        if host in hosts:
            message = f"`{host}` is listed twice (first at {where[host]})"
            problems.append(Problem(source.path, source.line(*loc), field, message))
            return
        hosts[host], where[host] = rules, field

    for cls in (HostClass.canonical, HostClass.secondary):
        for i, group in enumerate(getattr(data, cls.value)):
            for j, host in enumerate(group.hosts):
                add(host, [Rule(cls, group.label)], (cls.value, i, "hosts", j))
    for i, rejected in enumerate(data.rejected):
        for j, host in enumerate(rejected.hosts):
            add(host, [Rule(HostClass.rejected, rejected.reason)], ("rejected", i, "hosts", j))
    for i, mixed in enumerate(data.mixed):
        rules = [
            Rule(HostClass(r.outcome[0]), r.outcome[1], r.path, r.own, r.entry) for r in mixed.rules
        ]
        for j, host in enumerate(mixed.hosts):
            add(host, rules, ("mixed", i, "hosts", j))
    return SourceHosts(hosts), problems
