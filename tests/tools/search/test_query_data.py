"""The data files of query understanding: the shipped ones load; a bad one is one located message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.search.errors import SearchError
from tools.search.query_data import load_acronyms, load_no_match, load_patterns

GOOD_PATTERNS = """\
max_gap: 3
cues:
  make: [generate, create]
patterns:
  - match: "{in} (to|into) {out}"
  - match: "{make} {gap} {out}"
"""


def test_the_shipped_files_load() -> None:
    patterns = load_patterns()
    assert len(patterns.patterns) >= 10 and "make" in patterns.cues
    acronyms = {a.short for a in load_acronyms().acronyms}
    assert {"LLM", "GAN", "VAE", "CXR", "sCT", "LDCT", "rPPG", "TTS", "ASR", "WSI"} <= acronyms


def test_a_good_patterns_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(GOOD_PATTERNS)
    assert [p.match for p in load_patterns(path).patterns] == [
        "{in} (to|into) {out}",
        "{make} {gap} {out}",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD_PATTERNS.replace("max_gap: 3", "max_gap: 99"), r":1: max_gap: .*less than or equal"),
        (GOOD_PATTERNS.replace("{make} {gap}", "{made} {gap}"), r"`\{made\}` names no cue list"),
        (GOOD_PATTERNS.replace('"{in} (to|into) {out}"', '"from to"'), "needs {in} or {out}"),
        (GOOD_PATTERNS.replace("(to|into)", "(to|[into)"), "is not a word"),
        (GOOD_PATTERNS + "extra: 1\n", r":7: extra: unknown field"),
        ("max_gap: [\n", r":\d+: -: "),
    ],
    ids=["range", "cue", "no-role", "syntax", "unknown-field", "yaml"],
)
def test_a_bad_patterns_file_names_file_line_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(SearchError, match=message) as info:
        load_patterns(path)
    assert str(info.value).startswith(str(path) + ":")


def test_a_bad_acronyms_file_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "acronyms:\n  - {short: GAN, expansion: x y}\n  - {short: gan, expansion: zz}\n"
    )
    with pytest.raises(SearchError, match=r"a.yaml:1: -: `gan` \(acronyms\[1\]\) is listed twice"):
        load_acronyms(path)
    path.write_text("acronyms:\n  - {short: GAN}\n")
    with pytest.raises(SearchError, match=r"a.yaml:2: acronyms\[0\].expansion: required field"):
        load_acronyms(path)
    path.write_text("acronyms:\n  - {short: G-A-N, expansion: abc}\n")
    with pytest.raises(SearchError, match=r"acronyms\[0\].short: String should match"):
        load_acronyms(path)


def test_the_measured_thresholds_load_and_a_bad_file_names_file_line_and_field(
    tmp_path: Path,
) -> None:
    shipped = load_no_match()
    assert set(shipped.thresholds) == {"technique", "paper", "dataset"}
    for t in shipped.thresholds.values():  # each cut lies between what it separates
        assert t.unrelated_max < t.threshold <= t.related_min
    path = tmp_path / "n.yaml"
    good = "encoder: m\ncatalog: {papers: 1}\nthresholds:\n"
    row = "related_min: 0.4, unrelated_max: 0.2, balanced_accuracy: 1.0, related: 3, unrelated: 2"
    path.write_text(good + f"  paper: {{threshold: 0.3, {row}}}\n")
    assert load_no_match(path).thresholds["paper"].threshold == 0.3
    path.write_text(good + f"  paper: {{threshold: 3.0, {row}}}\n")
    with pytest.raises(SearchError, match=r"n.yaml:4: thresholds.paper.threshold: "):
        load_no_match(path)
    path.write_text(good + f"  gene: {{threshold: 0.3, {row}}}\n")
    with pytest.raises(SearchError, match=r"n.yaml:4: thresholds.gene"):
        load_no_match(path)
