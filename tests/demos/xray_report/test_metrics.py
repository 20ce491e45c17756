"""Metrics against values computed by hand."""

import math

import pytest

from demos.xray_report.data import LABELS
from demos.xray_report.metrics import (
    METRIC_KEYS,
    bleu,
    cider,
    clinical_efficacy,
    per_label_f1,
    report_metrics,
    rouge_l,
    words,
)

HYP = "The cat sat on the mat."
REF = "the cat is on the mat"


def test_words_drop_punctuation_and_case() -> None:
    assert words("No pleural effusion, or Pneumothorax.") == [
        "no",
        "pleural",
        "effusion",
        "or",
        "pneumothorax",
    ]


def test_bleu_hand_computed() -> None:
    # Unigrams 5/6, bigrams 3/5, trigrams 1/4, 4-grams 0/3; equal lengths, so no brevity penalty.
    b1, b2, b3, b4 = bleu([HYP], [REF])
    assert b1 == pytest.approx(5 / 6)
    assert b2 == pytest.approx(math.sqrt(5 / 6 * 3 / 5))
    assert b3 == pytest.approx((5 / 6 * 3 / 5 * 1 / 4) ** (1 / 3))
    assert b4 == 0.0


def test_bleu_brevity_penalty_and_corpus_pooling() -> None:
    b1, b2, _, _ = bleu(["the cat"], [REF])
    assert b1 == pytest.approx(math.exp(1 - 6 / 2))
    assert b2 == pytest.approx(math.exp(1 - 6 / 2))
    # Corpus level: counts are pooled before the ratio (2 + 5 matches of 2 + 6 unigrams).
    assert bleu(["the cat", HYP], ["the cat", REF])[0] == pytest.approx(7 / 8)


def test_rouge_l_hand_computed() -> None:
    assert rouge_l([HYP], [REF]) == pytest.approx(5 / 6)  # LCS 5, P = R = 5/6
    p, r, beta2 = 1.0, 1 / 3, 1.44
    expected = (1 + beta2) * p * r / (r + beta2 * p)
    assert rouge_l(["the cat", "zzz"], [REF, REF]) == pytest.approx(expected / 2)


def test_cider_hand_computed() -> None:
    # Two documents; every reference n-gram has df 1, so each idf weight is log 2.
    # Doc A: unigram cosine 1/2, no bigram overlap -> 10 * (0.5 / 4) = 1.25.
    # Doc B: exact copy with one bigram and no trigram -> 10 * (1 + 1) / 4 = 5.
    assert cider(["a c", "d e"], ["a b", "d e"]) == pytest.approx((1.25 + 5.0) / 2)


def test_cider_length_penalty() -> None:
    score = cider(["a c x", "d e"], ["a b", "d e"])
    # Doc A unigram vector gains "x": cosine 1 / (sqrt(3) * sqrt(2)); penalty exp(-1 / 72).
    doc_a = 10 * (1 / math.sqrt(6)) * math.exp(-1 / 72) / 4
    assert score == pytest.approx((doc_a + 5.0) / 2)


def test_clinical_efficacy_hand_computed() -> None:
    k = len(LABELS)
    true = [[1, 0, 0, 0, 0, 0, 0] + [0] * (k - 7), [0, 0, 0, 0, 0, 0, 1] + [0] * (k - 7)]
    pred = [[1, 1, 0, 0, 0, 0, 0] + [0] * (k - 7), [0, 0, 0, 0, 0, 0, 0] + [0] * (k - 7)]
    ce = clinical_efficacy(pred, true)
    # TP 1, FP 1, FN 1 -> P = R = F1 = 1/2; per label F1: 1, 0, 0 over the 3 labels seen.
    assert ce["ce_precision_micro"] == pytest.approx(0.5)
    assert ce["ce_recall_micro"] == pytest.approx(0.5)
    assert ce["ce_f1_micro"] == pytest.approx(0.5)
    assert ce["ce_f1_macro"] == pytest.approx(1 / 3)


def test_per_label_f1_hand_computed() -> None:
    k = len(LABELS)
    true = [[1] + [0] * (k - 1), [1] + [0] * (k - 1), [0] * k]
    pred = [[1] + [0] * (k - 1), [0] * k, [1] + [0] * (k - 1)]
    f1 = per_label_f1(pred, true)
    assert f1["ce_f1_cardiomegaly"] == pytest.approx(2 * 1 / (2 * 1 + 2))  # TP 1, FN 1, FP 1
    assert f1["ce_f1_nodule"] == 0.0
    assert set(f1) == {f"ce_f1_{name}" for name in LABELS}


def test_errors_on_mismatched_input() -> None:
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        bleu(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="no reports"):
        rouge_l([], [])
    with pytest.raises(ValueError, match="entries"):
        clinical_efficacy([[1]], [[1]])


def test_report_metrics_keys_and_perfect_score() -> None:
    refs = ["No pleural effusion.", "Large left pneumothorax."]
    labels = [[0] * len(LABELS), [0] * len(LABELS)]
    out = report_metrics(refs, refs, labels, labels)
    assert set(out) == {
        "bleu1",
        "bleu2",
        "bleu3",
        "bleu4",
        "rouge_l",
        "cider",
        "ce_precision_micro",
        "ce_recall_micro",
        "ce_f1_micro",
        "ce_f1_macro",
    }
    assert tuple(out) == METRIC_KEYS
    assert out["bleu3"] == pytest.approx(1.0)
    assert out["rouge_l"] == pytest.approx(1.0)
