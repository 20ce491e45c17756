"""The embedding cache: only new texts are embedded; corrupt or foreign files are rebuilt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from tools.search.cache import EmbeddingCache, text_key


def test_embeds_only_missing_texts_and_round_trips(tmp_path: Path, fake_encoder: Any) -> None:
    enc = fake_encoder
    cache = EmbeddingCache.open(tmp_path, "model-a")
    first, n_new = cache.embed(["alpha", "beta", "alpha"], enc)
    assert n_new == 2 and enc.calls == [["alpha", "beta"]]
    assert np.allclose(first[0], first[2])
    cache.save()

    again = EmbeddingCache.open(tmp_path, "model-a")
    assert again.warnings == []
    second, n_new = again.embed(["beta", "gamma"], enc)
    assert n_new == 1 and enc.calls[-1] == ["gamma"]
    assert np.array_equal(second[0], first[1])


def test_key_depends_on_model_and_text() -> None:
    assert text_key("m1", "x") != text_key("m2", "x")
    assert text_key("m1", "x") != text_key("m1", "y")


def _saved(tmp_path: Path, enc: Any) -> EmbeddingCache:
    cache = EmbeddingCache.open(tmp_path, "model-a")
    cache.embed(["alpha", "beta"], enc)
    cache.save()
    return cache


def test_corrupt_vectors_fail_the_checksum_and_are_rebuilt(
    tmp_path: Path, fake_encoder: Any
) -> None:
    cache = _saved(tmp_path, fake_encoder)
    data = cache.stem.with_suffix(".npy")
    raw = bytearray(data.read_bytes())
    raw[-3] ^= 0xFF
    data.write_bytes(bytes(raw))
    reopened = EmbeddingCache.open(tmp_path, "model-a")
    assert reopened.vectors == {}
    assert "corrupt" in reopened.warnings[0] and "checksum" in reopened.warnings[0]
    reopened.embed(["alpha"], fake_encoder)
    assert fake_encoder.calls[-1] == ["alpha"]


def test_garbage_metadata_is_rebuilt(tmp_path: Path, fake_encoder: Any) -> None:
    cache = _saved(tmp_path, fake_encoder)
    cache.stem.with_suffix(".json").write_text("{not json", encoding="utf-8")
    reopened = EmbeddingCache.open(tmp_path, "model-a")
    assert reopened.vectors == {} and "unreadable" in reopened.warnings[0]


def test_cache_of_another_model_is_not_trusted(tmp_path: Path, fake_encoder: Any) -> None:
    cache = _saved(tmp_path, fake_encoder)
    meta_path = cache.stem.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["model_id"] = "model-b"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    reopened = EmbeddingCache.open(tmp_path, "model-a")
    assert reopened.vectors == {} and "model-b" in reopened.warnings[0]


def test_truncated_matrix_is_rebuilt(tmp_path: Path, fake_encoder: Any) -> None:
    cache = _saved(tmp_path, fake_encoder)
    data = cache.stem.with_suffix(".npy")
    data.write_bytes(data.read_bytes()[:40])
    reopened = EmbeddingCache.open(tmp_path, "model-a")
    assert reopened.vectors == {} and reopened.warnings


def test_prune_drops_unused_vectors(tmp_path: Path, fake_encoder: Any) -> None:
    cache = _saved(tmp_path, fake_encoder)
    keep = {text_key("model-a", "alpha")}
    cache.prune(keep)
    cache.save()
    assert set(EmbeddingCache.open(tmp_path, "model-a").vectors) == keep


def test_keys_of_the_wrong_type_are_rebuilt(tmp_path: Path, fake_encoder: Any) -> None:
    import hashlib

    cache = _saved(tmp_path, fake_encoder)
    meta_path = cache.stem.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    meta["keys"] = [1, 2]
    meta_path.write_text(json.dumps(meta))
    reopened = EmbeddingCache.open(tmp_path, "model-a")
    assert reopened.vectors == {} and "keys are not a list of text" in reopened.warnings[0]
    meta["keys"], meta["dim"] = ["a", "b"], "16"
    meta["sha256"] = hashlib.sha256(np.load(cache.stem.with_suffix(".npy")).tobytes()).hexdigest()
    meta_path.write_text(json.dumps(meta))
    assert "wrong vector type or size" in EmbeddingCache.open(tmp_path, "model-a").warnings[0]


def test_a_folder_in_place_of_the_vectors(tmp_path: Path, fake_encoder: Any) -> None:
    import pytest

    from tools.search.errors import SearchError

    cache = _saved(tmp_path, fake_encoder)
    data = cache.stem.with_suffix(".npy")
    data.unlink()
    data.mkdir()
    reopened = EmbeddingCache.open(tmp_path, "model-a")
    assert "corrupt" in reopened.warnings[0] and reopened.dirty
    reopened.embed(["alpha"], fake_encoder)
    reopened.save()  # the empty folder is removed and the file written
    assert EmbeddingCache.open(tmp_path, "model-a").warnings == []
    data.unlink()
    data.mkdir()
    (data / "mine.txt").write_text("keep")
    again = EmbeddingCache.open(tmp_path, "model-a")
    again.embed(["beta"], fake_encoder)
    with pytest.raises(SearchError, match="is a folder with files in it"):
        again.save()
    assert (data / "mine.txt").read_text() == "keep"
    assert not list(tmp_path.glob("*.tmp"))
