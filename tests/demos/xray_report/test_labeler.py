"""The rule-based labeler on hand-written sentences (negations, hedges, look-alikes and the
phrasings of real reports, each rule with sentences written for this test) and on the cohort."""

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


def test_anonymised_tokens_are_dropped() -> None:
    raw = "There are no XXXX signs of a pleural effusion. Left XXXX-A-XXXX in place."
    assert sentences(raw) == ["there are no signs of a pleural effusion.", "left -a- in place."]
    assert positives(raw) == {"support_devices", "no_finding"}
    assert label_report(raw) == label_report(raw.replace("XXXX", ""))


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        # look-alikes: the finding's word names something else
        ("A large pericardial effusion enlarges the cardiac silhouette.", {"cardiomegaly"}),
        ("Fine reticulonodular markings at both bases.", {"no_finding"}),
        ("Nodular interstitial pattern throughout both lungs.", {"no_finding"}),
        ("Mass effect on the trachea from a goitre.", {"no_finding"}),
        ("Calcified hilar lymph nodes.", {"no_finding"}),
        ("Nodular opacity at the left apex, in keeping with an old granuloma.", {"no_finding"}),
        ("A left apical nodule, in keeping with an old granuloma.", {"nodule"}),
        # words that are not the finding on their own
        ("Blunting of the right costophrenic angle from old scarring.", {"no_finding"}),
        ("Patchy airspace opacity at the right base.", {"no_finding"}),
        ("Patchy air space disease at the right base.", {"consolidation"}),
        ("Median sternotomy and surgical clips in the upper abdomen.", {"no_finding"}),
        ("Intact sternotomy wires.", {"support_devices", "no_finding"}),
        # explained as something else
        ("The nodule over the left lower zone is a nipple shadow.", {"no_finding"}),
        ("A left apical nodular opacity from superimposed rib and clavicle.", {"no_finding"}),
        # negations as real reports write them
        ("Lungs are clear of airspace disease.", {"no_finding"}),
        ("Left lung clear airspace disease.", {"no_finding"}),
        ("Interval clearing of the left basilar consolidation.", {"no_finding"}),
        ("The left basal consolidation has cleared.", {"no_finding"}),
        ("The endotracheal tube and the feeding tube have been removed.", {"no_finding"}),
        ("The nodule seen last year is not well seen today.", {"no_finding"}),
        ("The heart is not significantly enlarged.", {"no_finding"}),
        ("Heart size normal.", {"no_finding"}),
        # pseudo-negations keep the finding
        ("No change in the small right pleural effusion.", {"pleural_effusion"}),
        ("No significant interval change of the left lower lobe mass.", {"nodule"}),
        ("Monitor leads overlie the chest; lungs are normal.", {"support_devices", "no_finding"}),
        # hedges before the mention: uncertain counts as absent
        ("Possible small left pleural effusion.", {"no_finding"}),
        ("Cannot exclude a tiny apical pneumothorax.", {"no_finding"}),
        ("Basal opacity, atelectasis versus consolidation.", {"no_finding"}),
        ("Question of a right lower lobe nodule.", {"no_finding"}),
        ("Suspicion for bilateral effusions on the lateral view.", {"no_finding"}),
        ("Suggestion of mild air space disease at the bases.", {"no_finding"}),
        ("History of a right lung mass, since resected.", {"no_finding"}),
        ("A CT could help to evaluate for a nodule.", {"no_finding"}),
        # hedges after the mention
        ("A small left effusion is not excluded.", {"no_finding"}),
        ("Small apical pneumothorax?", {"no_finding"}),
        ("Right paratracheal mass, possibly an enlarged node.", {"nodule"}),
        # cardiomegaly as real reports write it
        ("Borderline heart size.", {"cardiomegaly"}),
        ("The heart is borderline enlarged.", {"cardiomegaly"}),
        ("Cardiac enlargement is stable.", {"cardiomegaly"}),
        # devices, often named only by where they lie
        ("Right IJ catheter, tip at the cavoatrial junction.", {"support_devices", "no_finding"}),
        ("Left chest port with its tip in the lower SVC.", {"support_devices", "no_finding"}),
        (
            "Right chest XXXX, tip projecting over the right atrium.",
            {"support_devices", "no_finding"},
        ),
        ("Dual-chamber pacing leads in the right heart.", {"support_devices", "no_finding"}),
        ("Coronary artery stents are noted.", {"support_devices", "no_finding"}),
        ("Tracheostomy in good position.", {"support_devices", "no_finding"}),
        ("Prior aortic valve replacement.", {"support_devices", "no_finding"}),
        ("Prosthetic left shoulder.", {"support_devices", "no_finding"}),
        ("The feeding tube ends in the stomach.", {"support_devices", "no_finding"}),
        ("Embolization coils in the upper abdomen.", {"support_devices", "no_finding"}),
        ("The tip of the left lung apex is clear.", {"no_finding"}),
        ("This finding may lead to further imaging.", {"no_finding"}),
    ],
)
def test_real_report_phrasing(report: str, expected: set[str]) -> None:
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
