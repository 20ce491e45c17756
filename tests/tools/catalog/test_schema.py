"""The schema: generated JSON Schema files are current, entries point at them, models are strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tools.catalog.schema import Paper, Technique
from tools.catalog.schema_files import stale_schemas, write_schemas

REPO = Path(__file__).resolve().parents[3]


def test_committed_json_schemas_are_current() -> None:
    assert stale_schemas(REPO) == [], "run `python -m tools schema` and commit catalog/schemas/"


def test_write_schemas_is_idempotent(tmp_path: Path) -> None:
    assert len(write_schemas(tmp_path)) == 6
    assert write_schemas(tmp_path) == []
    (tmp_path / "catalog/schemas/paper.schema.json").write_text("{}")
    assert stale_schemas(tmp_path) == ["paper.schema.json"]


def test_every_entry_names_its_schema() -> None:
    for folder, name in [
        ("techniques", "technique"),
        ("papers", "paper"),
        ("datasets", "dataset"),
        ("demos", "demo"),
    ]:
        for path in sorted((REPO / "catalog" / folder).glob("*.yaml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../schemas/{name}.schema.json", path
    modalities = REPO / "catalog/modalities.yaml"
    if modalities.exists():
        assert (
            modalities.read_text().splitlines()[0]
            == "# yaml-language-server: $schema=schemas/modalities.schema.json"
        )
    hosts = REPO / "catalog/source_hosts.yaml"
    assert (
        hosts.read_text().splitlines()[0]
        == "# yaml-language-server: $schema=schemas/source_hosts.schema.json"
    )


def test_unknown_fields_and_bad_values_are_errors() -> None:
    base = {
        "id": "a-to-b",
        "input": "a",
        "output": "b",
        "title": "A to B",
        "summary": "Does it.",
        "description": "More.",
        "applications": [{"text": "Use.", "maturity": "research"}],
        "added": "2026-01-01",
    }
    Technique.model_validate(base)
    with pytest.raises(ValidationError, match="Extra inputs"):
        Technique.model_validate({**base, "colour": "red"})
    with pytest.raises(ValidationError):
        Technique.model_validate({**base, "applications": []})
    with pytest.raises(ValidationError, match="TODO"):
        Technique.model_validate({**base, "summary": "TODO fill in."})


@pytest.mark.parametrize("arxiv", ["2410.13823", "1711.11585", "hep-th/9901001"])
def test_arxiv_ids_accepted(arxiv: str) -> None:
    assert Paper.model_validate(_paper(arxiv=arxiv)).arxiv == arxiv


@pytest.mark.parametrize("arxiv", ["2410.13823v2", "arXiv:2410.13823", "24.1"])
def test_arxiv_ids_refused(arxiv: str) -> None:
    with pytest.raises(ValidationError):
        Paper.model_validate(_paper(arxiv=arxiv))


def _paper(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "2410.13823",
        "title": "T",
        "authors": ["A B"],
        "year": 2024,
        "url": "https://arxiv.org/abs/2410.13823",
        "kind": "method",
        "techniques": ["a-to-b"],
        "summary": "S.",
        "verified": [{"source": "https://arxiv.org/abs/2410.13823", "date": "2026-01-01"}],
        "added": "2026-01-01",
        "title_": None,
    }
    data.pop("title_")
    data["title"] = "A title"
    data.update(over)
    return data


def _error(model: type[Paper] | type[Technique], data: dict[str, object]) -> tuple[str, str]:
    """The location and message of the one error `data` gives."""
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    (err,) = info.value.errors()
    return ".".join(str(p) for p in err["loc"]), err["msg"]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x1b", "U+001B"),
        ("\x07", "U+0007"),
        ("\x01", "U+0001"),
        ("\x85", "U+0085"),
        ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
        ("\u200f", "U+200F (RIGHT-TO-LEFT MARK)"),
        ("\ufffe", "U+FFFE"),
        ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ],
)
@pytest.mark.parametrize(
    ("field", "where"),
    [("title", "title"), ("summary", "summary"), ("authors", "authors.1"), ("venue", "venue")],
)
def test_control_and_bidi_characters_are_refused_naming_the_field(
    char: str, name: str, field: str, where: str
) -> None:
    value: object = f"Text with {char} inside."
    if field == "authors":
        value = ["A B", f"C{char}D"]
    loc, msg = _error(Paper, _paper(**{field: value}))
    assert loc == where
    assert f"holds the invisible or control character {name}" in msg


def test_a_lone_surrogate_is_refused() -> None:
    # a YAML escape ("\ud800") can make one; it cannot be written as UTF-8 by any later stage
    loc, msg = _error(Paper, _paper(title="A \ud800 title"))
    assert loc == "title" and "unicode" in msg


def test_ordinary_unicode_text_is_accepted() -> None:
    Paper.model_validate(
        _paper(
            title="Ärzte, 医学 and naïve Bayes\u200d: tabs\tand lines\nok", authors=["Zoë Ørsted"]
        )
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://arxiv.org@evil.example/abs/1", "must not hold a user name or password"),
        ("https://user:pw@example.org/", "must not hold a user name or password"),
        ("https://example.org/a\x1bb", "holds the invisible or control character U+001B"),
        ("https://example.org/\u202ecod.exe", "U+202E"),
        ("https://example.org/a b", "must not hold spaces"),
        ("https://example.org/a}b", "must not hold `}`: percent-encode it (%7D)"),
        ("https://example.org/a\\b", "must not hold `\\`"),
        ("https://exa_mple.org/", "is not a valid domain name"),
        ("https://-example.org/", "is not a valid domain name"),
        ("https://example..org/", "is not a valid domain name"),
        ("https://example.org:99999/", "is not a valid URL"),
        ("https://example.org:0/", "invalid port 0"),
        ("https:///path", "has no host name"),
        ("https://[::1/", "is not a valid URL"),
        ("https://[nothex]/", "is not a valid URL"),
        ("javascript://example.org/%0aalert(1)", "must be an absolute http:// or https:// URL"),
        ("https:example.org", "must be an absolute http:// or https:// URL"),
    ],
)
def test_urls_are_validated_strictly(url: str, message: str) -> None:
    loc, msg = _error(Paper, _paper(url=url))
    assert loc == "url" and message in msg


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2410.13823",
        "http://example.org:8080/a_b-c~d/e.html?x=1&y=%20#frag",
        "https://münchen.de/",
        "https://[2001:db8::1]/x",
        "https://example.org./",
    ],
)
def test_good_urls_are_accepted(url: str) -> None:
    Paper.model_validate(_paper(url=url))


@pytest.mark.parametrize(
    "doi",
    [
        "10.1234/x},note={INJECTED}",
        "10.1234/x y",
        "10.1234/x\x1b",
        "10.1234/x\ny",
        "10.12/short-registrant",
        "11.1234/x",
        '10.1234/"quoted"',
    ],
)
def test_dois_are_validated_strictly(doi: str) -> None:
    loc, _ = _error(Paper, _paper(doi=doi))
    assert loc == "doi"


@pytest.mark.parametrize(
    "doi",
    ["10.1038/s41586-023-06291-2", "10.1002/(SICI)1097-4636(199706)35:4<529::AID-JBM13>3.0.CO;2-R"],
)
def test_real_dois_are_accepted(doi: str) -> None:
    Paper.model_validate(_paper(doi=doi))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("figure", "../../../../tmp/x.png"),
        ("figure", "/etc/x.png"),
        ("figure", "a//b.png"),
        ("figure", "./x.png"),
        ("model_card", "demos/../../secret.md"),
    ],
)
def test_demo_paths_stay_inside_their_folder(field: str, value: str) -> None:
    from tools.catalog.schema import Demo

    demo = {
        "id": "d",
        "title": "D",
        "summary": "S.",
        "description": "D.",
        "techniques": ["a-to-b"],
        "package": "demos.d",
        "command": "python -m demos.d run",
        "needs": {},
        "figure": "d.png",
        "figure_caption": "C.",
        "model_card": "demos/d/MODEL_CARD.md",
        "added": "2026-01-01",
    }
    Demo.model_validate(demo)
    with pytest.raises(ValidationError, match="must be a path inside its folder"):
        Demo.model_validate({**demo, field: value})
