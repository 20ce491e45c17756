"""Evaluation on a stand-in whose answers are known: a model that writes each image's own
reference report (an oracle) scores perfectly, and its shuffled-image control does not."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from demos.xray_report.config import DecodeConfig, load_config
from demos.xray_report.data import Findings, make_cohort
from demos.xray_report.evaluate import evaluate, laterality_accuracy
from demos.xray_report.tokenizer import EOS, build_tokenizer, encode_reports
from demos.xray_report.train import Trained


class OracleModel(nn.Module):
    """Encodes an image as its index in a known set and decodes that study's reference report."""

    def __init__(
        self, images: np.ndarray, seqs: list[list[int]], labels: np.ndarray, vocab: int
    ) -> None:
        super().__init__()
        self.keys = [img.tobytes() for img in images]
        self.seqs, self.labels, self.vocab = seqs, torch.as_tensor(labels).float(), vocab
        self.dummy = nn.Parameter(torch.zeros(1))  # generate() reads the device from a parameter

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        idx = [self.keys.index(img.numpy().tobytes()) for img in images]
        memory = torch.tensor(idx, dtype=torch.float32)[:, None, None]  # (B, 1, 1)
        return memory, 20 * self.labels[idx] - 10  # confident finding logits

    def decode_next(
        self, memory: torch.Tensor, ids: torch.Tensor, cache: list[torch.Tensor] | None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        logits = torch.full((ids.shape[0], self.vocab), -20.0)
        for row, i in enumerate(memory[:, 0, 0].long().tolist()):
            seq = self.seqs[i]
            t = ids.shape[1]
            logits[row, seq[t] if t < len(seq) else EOS] = 20.0
        return logits, []


def test_an_oracle_scores_perfectly_and_its_shuffled_control_does_not() -> None:
    cfg = load_config("micro")
    train, test = make_cohort(40, 32, seed=3), make_cohort(12, 32, seed=4)
    tok = build_tokenizer("word", train.reports + test.reports)
    seqs, _ = encode_reports(tok, test.reports, 200)
    model = OracleModel(test.images, seqs, test.labels, len(tok.vocab))
    decode = DecodeConfig(beam_size=2, max_len=200, block_trigrams=False)
    ev = evaluate(Trained(model, tok, cfg), train, test, decode)  # type: ignore[arg-type]
    m = ev.metrics
    assert ev.reports == [tok.decode(s) for s in seqs] and ev.probabilities.shape == (12, 7)
    for prefix in ("", "greedy_", "classifier_"):
        assert m[f"{prefix}ce_f1_micro"] == 1.0, prefix
    assert m["bleu4"] == pytest.approx(1.0) and m["laterality_accuracy"] == 1.0
    assert m["labeler_on_references_ce_f1_micro"] == 1.0 and m["n_test"] == 12.0
    assert m["shuffled_image_ce_f1_micro"] < 1.0 and m["shuffled_image_bleu4"] < m["bleu4"]
    assert {"baseline_majority_ce_f1_micro", "baseline_retrieval_ce_f1_micro"} <= set(m)


def test_laterality_counts_only_lateral_findings_reported() -> None:
    truth = [Findings(effusion=("right", "small")), Findings(nodule=("left", "upper")), Findings()]
    reports = [
        "Small right pleural effusion.",
        "A nodule is noted in the right upper lobe.",  # reported on the wrong side
        "Normal chest.",
    ]
    assert laterality_accuracy(reports, truth) == 0.5
    assert laterality_accuracy(["Normal chest."], [Findings(nodule=("left", "upper"))]) == 0.0
