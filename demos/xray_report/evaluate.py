"""Score the model and the baselines on the test split; the flat dictionary of ``metrics.json``.

Language metrics compare generated with reference reports; clinical-efficacy (CE) metrics compare
the findings the rule-based labeler reads in a generated report with the study's known labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demos.xray_report.baselines import derangement, majority_report, retrieval_reports
from demos.xray_report.config import DecodeConfig
from demos.xray_report.data import Cohort, Findings
from demos.xray_report.labeler import finding_sides, label_report, label_vector
from demos.xray_report.metrics import clinical_efficacy, per_label_f1, report_metrics
from demos.xray_report.sample import generate
from demos.xray_report.train import Trained


@dataclass
class Evaluation:
    metrics: dict[str, float]
    reports: list[str]  # the model's beam-search reports for the test studies
    probabilities: np.ndarray  # (N, L) finding probabilities from the classifier head


def laterality_accuracy(reports: list[str], findings: list[Findings]) -> float:
    """Among lateral findings both present and reported, the share reported on the right side."""
    right = total = 0
    for report, truth in zip(reports, findings, strict=True):
        sides = finding_sides(report)
        known = {
            "pleural_effusion": truth.effusion,
            "pneumothorax": truth.pneumothorax,
            "consolidation": truth.consolidation,
            "nodule": truth.nodule,
        }
        reported = label_report(report)
        for name, value in known.items():
            if value is not None and reported[name]:
                total += 1
                right += int(sides.get(name) == value[0])
    return right / total if total else 0.0


def score(reports: list[str], cohort: Cohort) -> dict[str, float]:
    """All metrics of ``reports`` against the references and known labels of ``cohort``
    (plus ``laterality_accuracy`` when the cohort is synthetic, i.e. has findings)."""
    pred = [label_vector(r) for r in reports]
    out = report_metrics(reports, cohort.reports, pred, cohort.labels.tolist())
    if cohort.findings:
        out["laterality_accuracy"] = laterality_accuracy(reports, cohort.findings)
    return out


def evaluate(
    trained: Trained, train: Cohort, test: Cohort, decode: DecodeConfig, seed: int = 0
) -> Evaluation:
    """Model (beam and greedy), classifier head, and the three baselines on ``test``."""

    def run(images: np.ndarray, beam: int) -> tuple[list[str], np.ndarray]:
        return generate(
            trained.model,
            trained.tokenizer,
            images,
            beam_size=beam,
            max_len=decode.max_len,
            block_trigrams=decode.block_trigrams,
            length_penalty=decode.length_penalty,
            batch_size=decode.batch_size,
        )

    reports, probs = run(test.images, decode.beam_size)
    out = score(reports, test)
    out.update(per_label_f1([label_vector(r) for r in reports], test.labels.tolist()))
    greedy, _ = run(test.images, 1)
    out.update({f"greedy_{k}": v for k, v in score(greedy, test).items()})
    head = clinical_efficacy((probs > 0.5).astype(int).tolist(), test.labels.tolist())
    out.update({f"classifier_{k}": v for k, v in head.items()})
    refs = clinical_efficacy([label_vector(r) for r in test.reports], test.labels.tolist())
    out["labeler_on_references_ce_f1_micro"] = refs["ce_f1_micro"]

    majority = [majority_report(train.reports)] * len(test)
    out.update({f"baseline_majority_{k}": v for k, v in score(majority, test).items()})
    nearest = retrieval_reports(train.images, train.reports, test.images)
    out.update({f"baseline_retrieval_{k}": v for k, v in score(nearest, test).items()})
    shuffled, _ = run(test.images[derangement(len(test), seed)], decode.beam_size)
    out.update({f"shuffled_image_{k}": v for k, v in score(shuffled, test).items()})
    out["n_test"] = float(len(test))
    return Evaluation(out, reports, probs)
