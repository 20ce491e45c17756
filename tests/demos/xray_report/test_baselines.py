"""Baselines and evaluation helpers."""

import numpy as np
import pytest

from demos.xray_report.baselines import (
    derangement,
    majority_report,
    nearest_train_index,
    retrieval_reports,
)
from demos.xray_report.data import LABELS, make_cohort
from demos.xray_report.evaluate import score


def test_majority_report_ties_go_to_the_first_seen() -> None:
    assert majority_report(["b", "a", "a", "b", "c"]) == "b"
    assert majority_report(["x", "y", "y"]) == "y"
    with pytest.raises(ValueError, match="no training reports"):
        majority_report([])


def test_retrieval_finds_the_same_image_despite_brightness() -> None:
    cohort = make_cohort(12, 32, seed=2)
    query = cohort.images * 0.8 + 0.1  # standardisation removes gain and offset
    np.testing.assert_array_equal(nearest_train_index(cohort.images, query), np.arange(12))
    assert retrieval_reports(cohort.images, cohort.reports, query[:2]) == cohort.reports[:2]


def test_derangement_has_no_fixed_point() -> None:
    for n in (2, 3, 10, 101):
        perm = derangement(n, seed=n)
        assert sorted(perm.tolist()) == list(range(n))
        assert (perm != np.arange(n)).all()
    np.testing.assert_array_equal(derangement(10, 1), derangement(10, 1))
    with pytest.raises(ValueError, match="at least two"):
        derangement(1, 0)


def test_score_references_against_themselves_and_empty_reports() -> None:
    cohort = make_cohort(20, 32, seed=4)
    perfect = score(cohort.reports, cohort)
    assert perfect["ce_f1_micro"] == 1.0 and perfect["bleu4"] == pytest.approx(1.0)
    assert perfect["laterality_accuracy"] == 1.0
    flipped = [
        r.replace("right", "LEFT").replace("left", "right").replace("LEFT", "left")
        for r in cohort.reports
    ]
    flipped_score = score(flipped, cohort)
    assert flipped_score["ce_f1_micro"] == 1.0
    # Bilateral effusions keep their side; everything else is now on the wrong side.
    assert flipped_score["laterality_accuracy"] < 0.5
    empty = score([""] * 20, cohort)
    assert empty["bleu1"] == 0.0 and empty["rouge_l"] == 0.0 and empty["cider"] == 0.0
    # An empty report reads as "no finding": recall is the share of no-finding labels.
    col = LABELS.index("no_finding")
    assert empty["ce_recall_micro"] == pytest.approx(
        cohort.labels[:, col].sum() / cohort.labels.sum()
    )
