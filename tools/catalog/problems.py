"""Problems found in the catalog, printed one per line as `path:line: field: message`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """An error fails validation; a warning is printed but does not."""

    error = "error"
    warning = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, located by file (relative to the repository), line and field."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.error

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.warning else ""
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that fail validation."""
    return [p for p in problems if p.severity is Severity.error]
