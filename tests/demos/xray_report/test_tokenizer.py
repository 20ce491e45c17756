"""Word-level and MiniLM WordPiece tokenizers: round trips, unknowns, empty reports."""

import pytest

from demos.xray_report.tokenizer import (
    BOS,
    EOS,
    PAD,
    UNK,
    EmptyReportError,
    build_tokenizer,
    encode_reports,
    tokenizer_from_dict,
)

REPORTS = [
    "The heart is enlarged. No pleural effusion or pneumothorax.",
    "Small right pleural effusion. No cardiomegaly.",
]


@pytest.mark.parametrize("kind", ["word", "wordpiece"])
def test_round_trip_and_serialisation(kind: str) -> None:
    tok = build_tokenizer(kind, REPORTS)
    assert tok.vocab[:4] == ["[PAD]", "[BOS]", "[EOS]", "[UNK]"]
    for report in REPORTS:
        ids = tok.encode(report)
        assert UNK not in ids
        assert tok.decode([BOS, *ids, EOS, PAD, PAD]) == report
    again = tokenizer_from_dict(tok.to_dict())
    assert again.vocab == tok.vocab and again.encode(REPORTS[0]) == tok.encode(REPORTS[0])


def test_unknown_words_and_wordpiece_splits() -> None:
    word = build_tokenizer("word", REPORTS)
    assert word.encode("The heart is huge.")[3] == UNK
    piece = build_tokenizer("wordpiece", [*REPORTS, "Cardiomegaly."])
    # WordPiece covers an unseen word made of seen pieces; word-level does not.
    assert "##ome" in piece.vocab or any(p.startswith("##") for p in piece.vocab)
    assert len(piece.encode("pneumothorax")) > 1


def test_decode_stops_at_eos_and_capitalises() -> None:
    tok = build_tokenizer("word", REPORTS)
    ids = tok.encode("no cardiomegaly. the heart is enlarged.")
    assert tok.decode([BOS, *ids, EOS, *ids]) == "No cardiomegaly. The heart is enlarged."


def test_empty_report_is_a_clear_error() -> None:
    tok = build_tokenizer("word", REPORTS)
    with pytest.raises(EmptyReportError, match="report 1 is empty"):
        encode_reports(tok, [REPORTS[0], "  "], 32)


def test_truncation_keeps_eos() -> None:
    tok = build_tokenizer("word", REPORTS)
    seqs, truncated = encode_reports(tok, REPORTS, 6)
    assert truncated == 2
    assert all(len(s) == 6 and s[0] == BOS and s[-1] == EOS for s in seqs)


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown tokenizer 'bpe'"):
        build_tokenizer("bpe", REPORTS)
    with pytest.raises(ValueError, match="no vocabulary"):
        tokenizer_from_dict({"kind": "word"})
