"""The one error family of the catalog's library: every failure a user can fix is a `CatalogError`.

The command line catches `CatalogError` alone and turns it into one message and an exit code
(`exit_code`); library code raises a subclass that says what went wrong.
"""

from __future__ import annotations

from tools.catalog.problems import Problem, errors


class CatalogError(Exception):
    """A problem the user can fix; the message says what and how."""

    exit_code = 1


class CatalogInvalid(CatalogError):
    """The catalog has errors; `problems` holds every problem found (warnings included), sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"the catalog has {len(errors(problems))} error(s); fix them first")
        self.add_note("\n".join(map(str, problems)))  # shown with a traceback, e.g. by pytest


class UnknownEntry(CatalogError):
    """A command named an entry the catalog lacks (the message suggests a near miss)."""
