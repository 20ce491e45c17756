"""The schema of `catalog/source_hosts.yaml`: which hosts a `verified[].source` may cite, by class.

Canonical and secondary hosts carry the label readers see ("arXiv", "an index: Papers with Code"),
rejected hosts the reason they are never cited. Hosts whose class depends on the address or on the
entry (github.com is canonical only for the entry's own repository) take ordered `mixed` rules.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from tools.catalog.schema import Entry, ShortText

_LABEL = r"(?:\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
HOST_PATTERN_RE = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")
"""A lower-case host name; a `*` label stands for one or more labels (`*.biomedcentral.com`)."""


def _host_pattern(value: str) -> str:
    """A lower-case ASCII host or host pattern, without `www.`, a trailing dot or a scheme."""
    if value.endswith("."):
        raise ValueError(f"`{value}` ends with a dot: write the host without it")
    if "/" in value or ":" in value:
        raise ValueError(f"`{value}` is not a host name: write only the host (no scheme or path)")
    if value != value.lower():
        raise ValueError(f"`{value}` must be lower-case")
    if value.startswith("www."):
        raise ValueError(f"drop the `www.` of `{value}`: www.<host> falls back to <host>")
    if not HOST_PATTERN_RE.match(value) or value.replace("*", "").strip(".") == "":
        raise ValueError(f"`{value}` is not a host name (letters, digits, `-`, `.` and `*` labels)")
    return value


HostPattern = Annotated[str, StringConstraints(max_length=253), AfterValidator(_host_pattern)]
Hosts = Annotated[list[HostPattern], Field(min_length=1)]


class LabelledHosts(Entry):
    """Canonical or secondary hosts that readers see under one label."""

    label: ShortText = Field(description='How the site names them: "arXiv", "the publisher".')
    hosts: Hosts


class RejectedHosts(Entry):
    """Hosts never to cite, and why."""

    reason: ShortText = Field(description='Why: "proxy of huggingface.co", "copy of a document".')
    hosts: Hosts


class HostRule(Entry):
    """One rule of a mixed host: its conditions (all must hold) and the class it gives."""

    path: Annotated[str, StringConstraints(pattern=r"^/", max_length=200)] | None = Field(
        default=None, description="The address's path starts with this."
    )
    own: bool | None = Field(
        default=None, description="True: only the entry's own `url` or `code` addresses match."
    )
    entry: Literal["paper", "dataset"] | None = None
    canonical: ShortText | None = Field(default=None, description="Canonical, with this label.")
    secondary: ShortText | None = Field(default=None, description="Secondary, with this label.")
    rejected: ShortText | None = Field(default=None, description="Rejected, for this reason.")

    @model_validator(mode="after")
    def _one_outcome(self) -> HostRule:
        given = [name for name in ("canonical", "secondary", "rejected") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError(
                "a rule gives exactly one of `canonical`, `secondary` or `rejected` "
                f"(got {', '.join(given) or 'none'})"
            )
        return self

    @property
    def conditional(self) -> bool:
        """Whether the rule matches only some addresses."""
        return self.path is not None or self.own is not None or self.entry is not None

    @property
    def outcome(self) -> tuple[str, str]:
        """(class, label or reason)."""
        for name in ("canonical", "secondary", "rejected"):
            value = getattr(self, name)
            if value:
                return name, value
        raise AssertionError("validated: one outcome")  # pragma: no cover


class MixedHost(Entry):
    """Hosts whose class depends on the address or the entry: rules tried in order."""

    hosts: Hosts
    rules: list[HostRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _last_rule_catches_all(self) -> MixedHost:
        conditional = [rule.conditional for rule in self.rules]
        if conditional[-1]:
            raise ValueError("the last rule must have no condition (`path`, `own`, `entry`)")
        if not all(conditional[:-1]):
            raise ValueError(
                "only the last rule may have no condition: the rules after it never apply"
            )
        return self


class SourceHostsFile(Entry):
    """The whole `catalog/source_hosts.yaml`."""

    canonical: list[LabelledHosts] = Field(min_length=1)
    secondary: list[LabelledHosts] = Field(default_factory=list)
    rejected: list[RejectedHosts] = Field(default_factory=list)
    mixed: list[MixedHost] = Field(default_factory=list)
