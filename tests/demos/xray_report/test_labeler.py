"""The rule-based labeler on hand-written sentences, negations included, and on the cohort."""

import numpy as np
import pytest

from demos.xray_report.data import LABELS, make_cohort
from demos.xray_report.labeler import finding_sides, label_report, label_vector, sentences


def positives(report: str) -> set[str]:
    return {name for name, value in label_report(report).items() if value}


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("No pleural effusion or pneumothorax.", {"no_finding"}),
        ("There is no pleural effusion. Small left pneumothorax.", {"pneumothorax"}),
        ("The heart is enlarged.", {"cardiomegaly"}),
        ("Heart size is within normal limits.", {"no_finding"}),
        ("The heart is not enlarged.", {"no_finding"}),
        ("The cardiomediastinal silhouette is normal.", {"no_finding"}),
        ("Mild cardiomegaly. Lungs are clear.", {"cardiomegaly"}),
        ("Lungs are clear. No consolidation, effusion, or pneumothorax.", {"no_finding"}),
        ("The lungs are clear without consolidation.", {"no_finding"}),
        ("There is a small right pneumothorax, but no effusion.", {"pneumothorax"}),
        ("No effusion, but there is consolidation in the left lower lobe.", {"consolidation"}),
        ("Possible small left pleural effusion.", {"pleural_effusion"}),
        ("No evidence of pneumothorax.", {"no_finding"}),
        ("A pacemaker is present. Normal chest.", {"support_devices", "no_finding"}),
        ("Pacemaker leads have been removed.", {"no_finding"}),
        ("Right upper zone nodular opacity.", {"nodule"}),
        ("No suspicious pulmonary nodule.", {"no_finding"}),
        ("", {"no_finding"}),
    ],
)
def test_hand_written_sentences(report: str, expected: set[str]) -> None:
    assert positives(report) == expected


def test_sentences_split_and_lowercase() -> None:
    assert sentences("No effusion.  Heart NORMAL; lungs clear\nok") == [
        "no effusion.",
        "heart normal;",
        "lungs clear",
        "ok",
    ]


def test_labeler_recovers_synthetic_ground_truth() -> None:
    cohort = make_cohort(400, 32, seed=11)
    pred = np.array([label_vector(r) for r in cohort.reports])
    assert pred.shape == (400, len(LABELS))
    np.testing.assert_array_equal(pred, cohort.labels)


def test_finding_sides() -> None:
    report = (
        "No right pneumothorax. Small left pleural effusion. There is consolidation in the right "
        "upper lobe. A nodule is noted."
    )
    assert finding_sides(report) == {"pleural_effusion": "left", "consolidation": "right"}
    assert finding_sides("Large bilateral pleural effusions.") == {"pleural_effusion": "bilateral"}
