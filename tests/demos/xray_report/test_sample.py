"""Greedy and beam search: beam 1 equals greedy, batching, trigram blocking."""

import math
from typing import cast

import numpy as np
import torch

from demos.xray_report.model import ReportGenerator
from demos.xray_report.sample import beam_search, block_repeated_trigrams, generate, greedy_search
from demos.xray_report.tokenizer import ReportTokenizer


def test_beam_one_equals_greedy(micro_model: ReportGenerator) -> None:
    images = torch.rand(5, 1, 32, 32)
    for block in (False, True):
        assert beam_search(micro_model, images, 20, beam_size=1, block_trigrams=block) == (
            greedy_search(micro_model, images, 20, block_trigrams=block)
        )


def test_batched_equals_one_by_one(micro_model: ReportGenerator) -> None:
    images = torch.rand(3, 1, 32, 32)
    batched = beam_search(micro_model, images, 16, beam_size=3)
    single = [beam_search(micro_model, images[i : i + 1], 16, beam_size=3)[0] for i in range(3)]
    assert batched == single
    assert greedy_search(micro_model, images, 16) == [
        greedy_search(micro_model, images[i : i + 1], 16)[0] for i in range(3)
    ]


class TableModel(torch.nn.Module):
    """Next-token distribution depends only on the last token (a fixed table)."""

    def __init__(self, table: dict[int, dict[int, float]], vocab: int = 8) -> None:
        super().__init__()
        self.table = table
        self.vocab = vocab

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.zeros(images.shape[0], 1, 1), torch.zeros(images.shape[0], 7)

    def decode(self, memory: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        out = torch.full((ids.shape[0], ids.shape[1], self.vocab), -30.0)
        for row, last in enumerate(ids[:, -1].tolist()):
            for tok, p in self.table.get(last, {2: 1.0}).items():
                out[row, -1, tok] = math.log(p)
        return out

    def decode_next(
        self, memory: torch.Tensor, ids: torch.Tensor, cache: list[torch.Tensor] | None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        return self.decode(memory, ids)[:, -1], []


def test_beam_beats_greedy_when_greedy_is_myopic() -> None:
    # BOS(1) -> 4 (0.6) or 5 (0.4); 4 -> EOS 0.31 / 6 0.35 / 7 0.34; 5 -> EOS 1.0; 6, 7 -> EOS.
    # Greedy: 4, then 6 (0.6 * 0.35 = 0.21); beam: 5 (0.4), the most likely report.
    table = {1: {4: 0.6, 5: 0.4}, 4: {2: 0.31, 6: 0.35, 7: 0.34}, 5: {2: 1.0}}
    model = cast(ReportGenerator, TableModel(table))
    images = torch.zeros(2, 1, 4, 4)
    assert greedy_search(model, images, 6) == [[4, 6], [4, 6]]
    assert beam_search(model, images, 6, beam_size=2, block_trigrams=False) == [[5], [5]]
    assert beam_search(model, images, 6, beam_size=1, block_trigrams=False) == [[4, 6], [4, 6]]


def test_block_repeated_trigrams() -> None:
    ids = torch.tensor([[1, 5, 6, 7, 8, 5, 6], [1, 5, 6, 7, 8, 9, 6]])
    logp = torch.zeros(2, 12)
    out = block_repeated_trigrams(ids, logp)
    # Row 0 ends with (5, 6), which was followed by 7: 7 is banned, nothing else.
    assert torch.isinf(out[0, 7]) and torch.isfinite(out[0]).sum() == 11
    # Row 1 ends with (9, 6): no earlier (9, 6), nothing banned.
    assert torch.isfinite(out[1]).all()
    assert block_repeated_trigrams(ids[:, :2], logp) is logp


def test_decoded_hypotheses_never_repeat_a_trigram(micro_model: ReportGenerator) -> None:
    rows = beam_search(micro_model, torch.rand(3, 1, 32, 32), 40, beam_size=2, block_trigrams=True)
    for row in rows:
        trigrams = [tuple(row[i : i + 3]) for i in range(len(row) - 2)]
        assert len(trigrams) == len(set(trigrams))


class IdsTokenizer:
    def decode(self, ids: list[int]) -> str:
        return " ".join(map(str, ids))


def test_generate_batches_and_returns_probabilities(micro_model: ReportGenerator) -> None:
    images = torch.rand(5, 1, 32, 32).numpy()
    tok = cast(ReportTokenizer, IdsTokenizer())
    kw = {"max_len": 12, "block_trigrams": True}
    one, p_one = generate(micro_model, tok, images, beam_size=2, batch_size=2, **kw)  # type: ignore[arg-type]
    all_, p_all = generate(micro_model, tok, images, beam_size=2, batch_size=64, **kw)  # type: ignore[arg-type]
    assert one == all_ and len(one) == 5
    np.testing.assert_allclose(p_one, p_all, rtol=1e-5, atol=1e-6)
    assert p_all.shape == (5, 7) and ((p_all >= 0) & (p_all <= 1)).all()
    greedy, _ = generate(micro_model, tok, images, beam_size=1, **kw)  # type: ignore[arg-type]
    rows = greedy_search(micro_model, torch.as_tensor(images), 12, True)
    assert greedy == [tok.decode(r) for r in rows]
    empty, p_empty = generate(micro_model, tok, images[:0], beam_size=2, **kw)  # type: ignore[arg-type]
    assert empty == [] and p_empty.shape == (0, 0)
