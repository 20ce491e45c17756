"""`tools.search.available()`: the one check of whether the search extra is installed."""

from __future__ import annotations

import importlib.util

import pytest

from tools import search


def test_available_with_the_search_extra_installed() -> None:
    assert search.available() is True  # the dev venv installs .[search]


@pytest.mark.parametrize("missing", search.DEPENDENCIES)
def test_unavailable_when_a_dependency_is_missing(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name, *a)
    )
    assert search.available() is False


def test_unavailable_when_a_finder_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str, *a: object) -> None:
        raise ValueError(f"{name}.__spec__ is None")

    monkeypatch.setattr(importlib.util, "find_spec", broken)
    assert search.available() is False
