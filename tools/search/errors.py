"""The one exception search raises for anything a user can fix; the CLI prints it as one line."""

from __future__ import annotations

from tools.catalog.errors import CatalogError


class SearchError(CatalogError):
    """A problem with a query, the index, the cache or the model, worded for the user."""

    exit_code = 2
