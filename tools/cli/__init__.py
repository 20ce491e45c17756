"""The catalog's command line (`python -m tools ...`): a thin typer layer over the library.

Each command opens the catalog once (`open_catalog`), calls one library function and prints what
it returns; `reported()` turns the library's one error family (`CatalogError`) into one message
and an exit code, so no command prints a traceback for bad input.
"""

from __future__ import annotations

from tools.cli import catalog_commands, import_commands, search_commands, site_commands
from tools.cli.app import app

__all__ = ["app", "catalog_commands", "import_commands", "main", "search_commands", "site_commands"]


def main() -> None:
    """Entry point for `python -m tools`."""
    app()
