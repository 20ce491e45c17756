"""The one exception search raises for anything a user can fix; the CLI prints it as one line."""

from __future__ import annotations


class SearchError(Exception):
    """A problem with a query, the index, the cache or the model, worded for the user."""
