"""Report-generation metrics in pure Python: BLEU-1..4, ROUGE-L, CIDEr-D and clinical efficacy.

The language metrics follow the definitions of the COCO caption toolkit (``pycocoevalcap``), which
R2Gen and its successors report: corpus-level BLEU with the closest reference length for the
brevity penalty, sentence ROUGE-L F-measure with beta = 1.2 averaged over the corpus, and CIDEr-D
(n = 1..4, document frequencies from the references, clipped term weights, Gaussian length penalty
with sigma = 6, times 10). One difference: BLEU-n is exactly 0 when some n-gram order has no
match (no epsilon smoothing). Text is lower-cased and split into alphanumeric words; punctuation is
dropped. METEOR needs the Java METEOR jar and is not computed here.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from demos.xray_report.data import LABELS

_WORD = re.compile(r"[a-z0-9]+")

#: The flat keys of one system's scores in ``metrics.json`` (baselines add a prefix).
METRIC_KEYS: tuple[str, ...] = (
    *(f"bleu{n}" for n in range(1, 5)),
    "rouge_l",
    "cider",
    "ce_precision_micro",
    "ce_recall_micro",
    "ce_f1_micro",
    "ce_f1_macro",
)


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words (punctuation dropped)."""
    return _WORD.findall(text.lower())


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _check(hyps: Sequence[str], refs: Sequence[str]) -> None:
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    if not refs:
        raise ValueError("no reports to score")


def bleu(hyps: Sequence[str], refs: Sequence[str], max_n: int = 4) -> list[float]:
    """Corpus BLEU-1..``max_n`` (one reference per hypothesis)."""
    _check(hyps, refs)
    matches = [0] * max_n
    totals = [0] * max_n
    hyp_len = ref_len = 0
    for hyp, ref in zip(hyps, refs, strict=True):
        h, r = words(hyp), words(ref)
        hyp_len += len(h)
        ref_len += len(r)
        for n in range(1, max_n + 1):
            hn, rn = _ngrams(h, n), _ngrams(r, n)
            matches[n - 1] += sum(min(c, rn[g]) for g, c in hn.items())
            totals[n - 1] += max(len(h) - n + 1, 0)
    if hyp_len == 0:
        return [0.0] * max_n
    brevity = 1.0 if hyp_len > ref_len else math.exp(1.0 - ref_len / hyp_len)
    scores = []
    log_sum = 0.0
    for n in range(max_n):
        if matches[n] == 0 or totals[n] == 0:
            scores.extend([0.0] * (max_n - n))
            break
        log_sum += math.log(matches[n] / totals[n])
        scores.append(brevity * math.exp(log_sum / (n + 1)))
    return scores


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(hyps: Sequence[str], refs: Sequence[str], beta: float = 1.2) -> float:
    """Mean sentence-level ROUGE-L F-measure."""
    _check(hyps, refs)
    total = 0.0
    for hyp, ref in zip(hyps, refs, strict=True):
        h, r = words(hyp), words(ref)
        lcs = _lcs(h, r)
        if lcs == 0:
            continue
        prec, rec = lcs / len(h), lcs / len(r)
        total += (1 + beta**2) * prec * rec / (rec + beta**2 * prec)
    return total / len(refs)


def cider(hyps: Sequence[str], refs: Sequence[str], max_n: int = 4, sigma: float = 6.0) -> float:
    """CIDEr-D with document frequencies from ``refs`` (one reference per hypothesis)."""
    _check(hyps, refs)
    ref_grams = [[_ngrams(words(r), n) for n in range(1, max_n + 1)] for r in refs]
    hyp_grams = [[_ngrams(words(h), n) for n in range(1, max_n + 1)] for h in hyps]
    df: Counter[tuple[str, ...]] = Counter()
    for grams in ref_grams:
        for counts in grams:
            df.update(counts.keys())
    log_n = math.log(float(len(refs)))

    def vec(counts: Counter[tuple[str, ...]]) -> tuple[dict[tuple[str, ...], float], float]:
        v = {g: c * (log_n - math.log(max(1.0, df[g]))) for g, c in counts.items()}
        return v, math.sqrt(sum(x * x for x in v.values()))

    total = 0.0
    for hyp, ref, hg, rg in zip(hyps, refs, hyp_grams, ref_grams, strict=True):
        delta = len(words(hyp)) - len(words(ref))
        score = 0.0
        for hn, rn in zip(hg, rg, strict=True):
            vh, norm_h = vec(hn)
            vr, norm_r = vec(rn)
            if norm_h == 0 or norm_r == 0:
                continue
            dot = sum(min(w, vr[g]) * vr[g] for g, w in vh.items() if g in vr)
            score += dot / (norm_h * norm_r) * math.exp(-(delta**2) / (2 * sigma**2))
        total += 10.0 * score / max_n
    return total / len(refs)


def clinical_efficacy(
    pred: Sequence[Sequence[int]], true: Sequence[Sequence[int]]
) -> dict[str, float]:
    """Micro precision, recall, F1 and macro F1 over :data:`LABELS` (0/1 vectors)."""
    if len(pred) != len(true):
        raise ValueError(f"{len(pred)} predicted label rows but {len(true)} true ones")
    k = len(LABELS)
    tp = [0] * k
    fp = [0] * k
    fn = [0] * k
    for p_row, t_row in zip(pred, true, strict=True):
        if len(p_row) != k or len(t_row) != k:
            raise ValueError(f"label rows must have {k} entries")
        for j in range(k):
            tp[j] += int(p_row[j] and t_row[j])
            fp[j] += int(p_row[j] and not t_row[j])
            fn[j] += int(t_row[j] and not p_row[j])

    def f1(t: int, p: int, n: int) -> float:
        return 2 * t / (2 * t + p + n) if t + p + n else 0.0

    stp, sfp, sfn = sum(tp), sum(fp), sum(fn)
    # Macro F1 over the labels that occur in the truth or the predictions.
    seen = [j for j in range(k) if tp[j] + fp[j] + fn[j]] or list(range(k))
    return {
        "ce_precision_micro": stp / (stp + sfp) if stp + sfp else 0.0,
        "ce_recall_micro": stp / (stp + sfn) if stp + sfn else 0.0,
        "ce_f1_micro": f1(stp, sfp, sfn),
        "ce_f1_macro": sum(f1(tp[j], fp[j], fn[j]) for j in seen) / len(seen),
    }


def per_label_f1(pred: Sequence[Sequence[int]], true: Sequence[Sequence[int]]) -> dict[str, float]:
    """F1 of each label of :data:`LABELS`, keyed ``ce_f1_<label>`` (0 when a label never occurs)."""
    out = {}
    for j, name in enumerate(LABELS):
        tp = sum(1 for p, t in zip(pred, true, strict=True) if p[j] and t[j])
        wrong = sum(1 for p, t in zip(pred, true, strict=True) if bool(p[j]) != bool(t[j]))
        out[f"ce_f1_{name}"] = 2 * tp / (2 * tp + wrong) if tp + wrong else 0.0
    return out


def report_metrics(
    hyps: Sequence[str],
    refs: Sequence[str],
    pred_labels: Sequence[Sequence[int]],
    true_labels: Sequence[Sequence[int]],
) -> dict[str, float]:
    """All metrics as the flat dictionary written to ``metrics.json``."""
    out = {f"bleu{n}": s for n, s in enumerate(bleu(hyps, refs), start=1)}
    out["rouge_l"] = rouge_l(hyps, refs)
    out["cider"] = cider(hyps, refs)
    out.update(clinical_efficacy(pred_labels, true_labels))
    return out
