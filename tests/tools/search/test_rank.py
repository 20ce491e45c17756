"""The ranking rules as pure functions: direction prior, fusion, filing, dataset names."""

from __future__ import annotations

from pathlib import Path

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
    paper_votes,
    technique_scores,
    title_name,
)
from tools.search.understand import Direction

REPO = Path(__file__).resolve().parents[3]
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
        ("image", "ct", 0.5),  # broader input: the weaker side counts
        ("mri", "mri", 0.0),  # one of the two sides right is no answer, and no penalty
        ("ct", "mri", -1.0),  # reversed: demoted
        ("text", "ct", 0.0),  # output right, input unrelated
        ("ct", "text", 0.0),  # asked output is its input: not the reverse either
        ("ct", "image", -0.5),  # the reverse with a broader output: demoted less
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
    assert about(d, "ct", "text", ANCESTORS) == 0.75 and about(d, "text", "ct", ANCESTORS) == 0.75
    assert about(d, "ct", "ct", ANCESTORS) == 1.0  # both sides are what the query names
    assert about(d, "image", "image", ANCESTORS) == 0.5  # broader on both sides
    assert about(d, "mri", "text", ANCESTORS) == 0.0
    assert about(Direction(), "ct", "ct", ANCESTORS) == 0.0


def test_naming_two_modalities_prefers_the_technique_joining_them() -> None:
    d = Direction(mentioned=("ct", "text"))
    joined, one = about(d, "ct", "text", ANCESTORS), about(d, "text", "text", ANCESTORS)
    assert joined == 1.0 and one == 0.75 and about(d, "ct", "ct", ANCESTORS) == 0.75


def test_paper_votes_are_each_techniques_share_of_the_best_papers() -> None:
    # papers 0 and 2 rank first and second; paper 1 has no score; paper 2 is filed twice
    votes = paper_votes([0.03, 0.0, 0.02], [[0], [1], [0, 2]], 3, top=5, k=60)
    total = 1 / 61 + 1 / 62
    assert votes == pytest.approx([(1 / 61 + 0.5 / 62) / total, 0.0, 0.5 / 62 / total])
    assert sum(votes) == pytest.approx(1.0)
    assert paper_votes([0.03, 0.0, 0.02], [[0], [1], [0, 2]], 3, top=1, k=60) == [1.0, 0.0, 0.0]
    assert paper_votes([0.0], [[0]], 1, top=5, k=60) == [0.0]  # nothing matched: no votes


def test_only_papers_that_match_the_query_vote() -> None:
    # paper 0 is merely the least far (not eligible): paper 2 alone votes
    votes = paper_votes([0.03, 0.0, 0.02], [[0], [1], [0, 2]], 3, 5, 60, [False, True, True])
    assert votes == pytest.approx([0.5, 0.0, 0.5])
    assert paper_votes([0.03], [[0]], 1, 5, 60, [False]) == [0.0]  # none matches: no votes


@pytest.mark.slow
def test_a_technique_gains_nothing_from_papers_that_do_not_match() -> None:
    """On the browser fixture, every paper is far from a dictation query: x-ray-to-text's four
    papers must not outvote audio-to-text's one (they did before votes required a match)."""
    from tools.catalog.load import open_catalog
    from tools.search.config import SearchConfig
    from tools.search.engine import SearchEngine

    root = REPO / "tests" / "browser" / "catalogs" / "basic"
    engine = SearchEngine(open_catalog(root), SearchConfig(root=REPO, threads=1))
    [first, *_] = engine.search("dictation software for doctors", "technique", 3)
    assert first.id == "audio-to-text"


def test_votes_lift_a_technique_and_list_it() -> None:
    d = Direction()
    w = RankWeights()
    scores, _, listed = technique_scores(
        [0.0, 0.0], ["ct", "mri"], ["ct", "mri"], d, ANCESTORS, w, votes=[0.0, 1.0]
    )
    assert scores == [0.0, w.papers] and listed == [False, True]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Synthea: An approach, method, and software mechanism", "Synthea"),
        ("EHR-Safe: generating high-fidelity and privacy-preserving records", "EHR-Safe"),
        ("Noise2Void - Learning Denoising from Single Noisy Images", "Noise2Void"),
        ("Foresight -- Generative Pretrained Transformer", "Foresight"),
        ("Show, Attend and Tell: Neural Image Caption Generation", ""),  # not one word
        ("Image-to-Image Translation with Conditional Adversarial Networks", ""),
        ("A: b", ""),  # too short to be a name
    ],
)
def test_title_name_is_the_one_word_before_a_colon_or_dash(title: str, name: str) -> None:
    assert title_name(title) == name


def test_own_scores_fuse_ranks_and_order_breaks_ties_by_row() -> None:
    own = own_scores(4, dense=[2, 0], keyword=[0, 3], k=60, keyword_weight=0.5)
    assert own[1] == 0.0
    assert own[0] == pytest.approx(1 / 62 + 0.5 / 61)
    assert own_scores(3, [1], [2], 60, 0.0) == [0.0, 1 / 61, 0.0]
    assert order([0.1, 0.3, 0.3, 0.0]) == [1, 2, 0, 3]


def test_a_keyword_rank_counts_by_its_share_of_the_query() -> None:
    full = own_scores(3, dense=[0, 1], keyword=[1], k=60, keyword_weight=1.0)
    shared = own_scores(3, [0, 1], [1], 60, 1.0, shares=[0.01])
    assert full[1] > full[0]  # one common word of the query lifts row 1 past the closest row
    assert shared[0] > shared[1]  # credited by its share, it does not
    assert shared[1] == pytest.approx(1 / 62 + 0.01 / 61)
    assert shared[2] == 0.0
    with pytest.raises(ValueError, match="one share per keyword row"):
        own_scores(3, [0], [1, 0], 60, 1.0, shares=[1.0])


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
    named, _, _ = filed_scores([0.0, 0.0], [[], []], [], [], [], w, [False, True], 0.003)
    assert named == [0.0, 0.003]


def test_name_hits_need_whole_words() -> None:
    names = [["mimic cxr", "mimic cxr"], ["adni", "alzheimer disease"], ["ct rate"]]
    assert name_hits("mimic cxr report", names) == [True, False, False]
    assert name_hits("adnis", names) == [False, False, False]
    assert name_hits("the ct rate data", names) == [False, False, True]
