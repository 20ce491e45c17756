"""The ranking rules as pure functions: direction prior, fusion, filing, dataset names."""

from __future__ import annotations

import pytest

from tools.search.rank import (
    RankWeights,
    about,
    direction_prior,
    filed_scores,
    modality_match,
    name_hits,
    order,
    own_scores,
    technique_scores,
)
from tools.search.understand import Direction

ANCESTORS = {"x-ray": ("image",), "ct": ("image",), "mri": ("image",), "image": (), "text": ()}


def test_modality_match_prefers_the_same_then_broader_then_narrower() -> None:
    assert modality_match("x-ray", "x-ray", ANCESTORS) == 1.0
    assert modality_match("x-ray", "image", ANCESTORS) == 0.5
    assert modality_match("image", "x-ray", ANCESTORS) == 0.25
    assert modality_match("x-ray", "ct", ANCESTORS) == 0.0


@pytest.mark.parametrize(
    ("source", "target", "prior"),
    [
        ("mri", "ct", 1.0),  # the direction asked
        ("image", "ct", 0.75),  # broader input; its swapped match (0.25) is less
        ("mri", "mri", 0.5),  # one side right: its own reverse is not a penalty
        ("ct", "mri", -1.0),  # reversed: demoted
        ("text", "ct", 0.5),  # output right, input unrelated
        ("ct", "text", -0.5),  # asked output is its input
    ],
)
def test_direction_prior(source: str, target: str, prior: float) -> None:
    d = Direction(inputs=("mri",), outputs=("ct",))
    assert direction_prior(d, source, target, ANCESTORS) == pytest.approx(prior)


@pytest.mark.parametrize(
    ("source", "target", "prior"), [("ct", "ct", 0.5), ("text", "ct", 0.5), ("ct", "text", -0.5)]
)
def test_one_side_given_counts_half(source: str, target: str, prior: float) -> None:
    d = Direction(outputs=("ct",))
    assert direction_prior(d, source, target, ANCESTORS) == pytest.approx(prior)


def test_no_direction_no_prior_and_mentions_reward_either_side() -> None:
    assert direction_prior(Direction(mentioned=("ct",)), "mri", "ct", ANCESTORS) == 0.0
    d = Direction(mentioned=("ct",))
    assert about(d, "ct", "text", ANCESTORS) == 1.0 and about(d, "text", "ct", ANCESTORS) == 1.0
    assert about(d, "mri", "text", ANCESTORS) == 0.0
    assert about(Direction(), "ct", "ct", ANCESTORS) == 0.0


def test_own_scores_fuse_ranks_and_order_breaks_ties_by_row() -> None:
    own = own_scores(4, dense=[2, 0], keyword=[0, 3], k=60, keyword_weight=0.5)
    assert own[1] == 0.0
    assert own[0] == pytest.approx(1 / 62 + 0.5 / 61)
    assert own_scores(3, [1], [2], 60, 0.0) == [0.0, 1 / 61, 0.0]
    assert order([0.1, 0.3, 0.3, 0.0]) == [1, 2, 0, 3]


def test_the_reversed_technique_is_demoted_below_the_asked_one() -> None:
    own = [0.03, 0.02]  # the reversed technique is closer in meaning
    d = Direction(inputs=("mri",), outputs=("ct",))
    scores, priors, listed = technique_scores(
        own, ["ct", "mri"], ["mri", "ct"], d, ANCESTORS, RankWeights()
    )
    assert priors == [-1.0, 1.0] and listed == [True, True]
    assert order(scores) == [1, 0]
    assert len(scores) == 2 and scores[0] < own[0]  # demoted, still ranked (not removed)


def test_papers_gain_from_the_best_technique_they_are_filed_under() -> None:
    w = RankWeights()
    scores, best, listed = filed_scores(
        own=[0.0, 0.0, 0.01, 0.0],
        filed=[[0], [1, 0], [], [2]],
        technique_rank=[1, 5, 9],
        priors=[1.0, -1.0, 0.0],
        technique_listed=[True, True, False],
        w=w,
    )
    assert best == [0, 0, -1, -1] and listed == [True, True, True, False]
    assert scores[0] == pytest.approx(w.filed / (w.rrf_k + 1) + w.filed_direction)
    assert scores[2] == 0.01 and scores[3] == 0.0  # an unlisted technique gives nothing
    named, _, shown = filed_scores([0.0, 0.0], [[], []], [], [], [], w, name_hits=[False, True])
    assert named == [0.0, w.name] and shown == [False, True]


def test_name_hits_need_whole_words() -> None:
    names = [["mimic cxr", "mimic cxr"], ["adni", "alzheimer disease"], ["ct rate"]]
    assert name_hits("mimic cxr report", names) == [True, False, False]
    assert name_hits("adnis", names) == [False, False, False]
    assert name_hits("the ct rate data", names) == [False, False, True]
