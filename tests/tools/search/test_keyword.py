"""BM25 keyword ranking and its tokenizer (mirrored by the page's search.js)."""

from __future__ import annotations

from tools.search.keyword import BM25, stem, tokenize


def test_tokenize_lowercases_drops_stopwords_and_plural_s() -> None:
    assert tokenize("The Reports of a patient's X-rays") == ["report", "patient", "x", "ray"]
    assert stem("class") == "class" and stem("virus") == "virus" and stem("analysis") == "analysis"
    assert tokenize("胸部 X線") == ["胸部", "x線"]


def test_bm25_ranks_the_document_with_rare_terms_first() -> None:
    index = BM25(["chest radiograph report", "brain MRI report", "speech to text dictation"])
    ranked = index.rank("radiograph reports", 3)
    assert ranked[0][0] == 0
    assert {doc for doc, _ in ranked} == {0, 1}
    assert index.idf("radiograph") > index.idf("report") >= 0
    assert index.matched_terms("radiograph reports", 0) == ["radiograph", "report"]


def test_no_shared_terms_gives_nothing() -> None:
    assert BM25(["alpha beta"]).rank("gamma", 5) == []
    assert BM25([]).rank("gamma", 5) == []


def test_share_is_the_idf_weighted_part_of_the_query_a_document_contains() -> None:
    index = BM25(["chest radiograph report", "brain MRI report", "speech to text dictation"])
    assert index.share("radiograph report", 0) == 1.0
    assert index.share("radiograph report", 2) == 0.0
    rare, common = index.share("radiograph report", 0), index.share("radiograph report", 1)
    assert 0.0 < common < 0.5 < rare  # `report` is in two documents, `radiograph` in one
    assert common == index.idf("report") / (index.idf("radiograph") + index.idf("report"))
    assert index.share("radiograph radiographs report", 1) == common  # each term once
    assert index.share("the of", 0) == 0.0  # nothing left after the stop words
