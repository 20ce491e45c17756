"""Where the browser runtime's npm pins are found, and the files the page needs."""

from __future__ import annotations

from pathlib import Path

from tools.search.runtime import RUNTIME_FILES, spec_dir

REPO = Path(__file__).resolve().parents[3]


def test_npm_pins_fall_back_to_this_repository(tmp_path: Path) -> None:
    assert spec_dir(tmp_path) == REPO / "site_src" / "assets" / "search"
    own = tmp_path / "site_src" / "assets" / "search"
    own.mkdir(parents=True)
    (own / "package-lock.json").write_text("{}", encoding="utf-8")
    assert spec_dir(tmp_path) == own


def test_the_lock_pins_every_runtime_package() -> None:
    import json

    lock = json.loads((REPO / "site_src" / "assets" / "search" / "package-lock.json").read_text())
    for rel in RUNTIME_FILES.values():
        package = "/".join(rel.split("/")[:2]) if rel.startswith("@") else rel.split("/")[0]
        assert f"node_modules/{package}" in lock["packages"]
