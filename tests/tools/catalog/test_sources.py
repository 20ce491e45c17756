"""`tools.catalog.sources` and `schema_hosts`: classifying a source URL, loading the host file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.catalog.load import load_hosts, validate
from tools.catalog.sources import HostClass, SourceHosts

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def hosts() -> SourceHosts:
    found, problems = load_hosts(REPO)
    assert problems == [] and found is not None
    return found


def _cls(
    hosts: SourceHosts, url: str, own: tuple[str, ...] = (), entry: str = "paper"
) -> tuple[str, str]:
    c = hosts.classify(url, own, entry)
    return c.cls.value, c.label


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2403.17834", ("canonical", "arXiv")),
        ("https://ar5iv.labs.arxiv.org/html/2403.17834", ("canonical", "arXiv")),
        ("https://www.nature.com/articles/s41591-023-02504-3", ("canonical", "the publisher")),
        (
            "https://bmcmedresmethodol.biomedcentral.com/articles/10.1186/x",
            ("canonical", "the publisher"),
        ),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC1/", ("canonical", "PubMed Central")),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/", ("canonical", "PubMed Central")),
        ("https://www.ncbi.nlm.nih.gov/pubmed/123", ("canonical", "PubMed")),
        ("https://www.ncbi.nlm.nih.gov/gene/1", ("secondary", "an index: NCBI")),
        ("https://camelyon17.grand-challenge.org/Data/", ("canonical", "the dataset's site")),
        ("https://paperswithcode.com/paper/x", ("secondary", "an index: Papers with Code")),
        ("https://www.sciencestack.ai/paper/1", ("secondary", "an index: a paper aggregator")),
        ("https://hf.zsm.im/papers/2211.12340.md", ("rejected", "proxy of huggingface.co")),
        ("https://papers.proxy.example.com/x", ("rejected", "proxy of other sites")),
        (
            "https://www.arxiv-vanity.com/papers/1704.00675/",
            ("rejected", "dead service: arXiv Vanity closed in 2023"),
        ),
        (
            "https://www.scribd.com/document/1",
            ("rejected", "copy of a document on a third-party host"),
        ),
    ],
)
def test_hosts_by_class(hosts: SourceHosts, url: str, expected: tuple[str, str]) -> None:
    assert _cls(hosts, url) == expected


def test_unlisted_host_is_unclassified(hosts: SourceHosts) -> None:
    c = hosts.classify("https://never-listed.example/x")
    assert (c.cls, c.label, c.host) == (HostClass.unclassified, "", "never-listed.example")


def test_github_is_canonical_only_for_the_entrys_own_repository(hosts: SourceHosts) -> None:
    own = ("https://arxiv.org/abs/1", "https://github.com/Owner/Repo")
    readme = "https://github.com/owner/repo/blob/main/README.md"
    assert _cls(hosts, readme, own) == ("canonical", "the official repository")
    assert _cls(hosts, "https://github.com/owner/repo.git", own)[0] == "canonical"
    assert _cls(hosts, "https://www.github.com/owner/repo", own)[0] == "canonical"
    assert _cls(hosts, "https://github.com/owner/repo-fork", own)[0] == "secondary"
    assert _cls(hosts, "https://github.com/someone/else", own)[0] == "secondary"


def test_hugging_face_papers_are_an_index_and_datasets_may_be_a_datasets_site(
    hosts: SourceHosts,
) -> None:
    own = ("https://huggingface.co/datasets/org/set",)
    assert _cls(hosts, "https://huggingface.co/papers/2403.17834", own) == (
        "secondary",
        "an index: Hugging Face Papers",
    )
    assert _cls(
        hosts, "https://huggingface.co/datasets/org/set/blob/main/README.md", own, "dataset"
    ) == (
        "canonical",
        "the dataset's site",
    )
    assert _cls(hosts, "https://huggingface.co/datasets/other/set", own)[0] == "secondary"


def test_github_io_project_page_by_entry_kind(hosts: SourceHosts) -> None:
    own = ("https://lab.github.io/project/",)
    assert _cls(hosts, "https://lab.github.io/project/data.html", own, "dataset") == (
        "canonical",
        "the dataset's site",
    )
    assert _cls(hosts, "https://lab.github.io/project/", own, "paper") == (
        "canonical",
        "the project page",
    )
    assert _cls(hosts, "https://someone.github.io/blog/", own)[0] == "secondary"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://47.251.13.51:8081/33334565", "a raw IP address, not a named site"),
        ("http://[2001:db8::1]/x", "a raw IP address, not a named site"),
        ("http://3232235777/x", "a raw IP address, not a named site"),
        (
            "https://physionet.org./content/mimic-cxr",
            "a host with a trailing dot: write physionet.org without it",
        ),
        (
            "https://arxiv.org@evil.example/abs/1",
            "the address holds a user name (`user@host`), which hides the real host",
        ),
        ("https://аrxiv.org/abs/1", "look-alike of arxiv.org (xn--rxiv-43d.org)"),  # Cyrillic а
        ("https://xn--rxiv-43d.org/abs/1", "look-alike of arxiv.org (xn--rxiv-43d.org)"),
        (  # a Latin alpha: no other script to fold, but not a listed host either
            "https://\u0251rxiv.org/abs/1",
            "a host in non-Latin or look-alike letters (xn--rxiv-p5b.org) that is not listed",
        ),
        (
            "https://github.com/example/repo/../../evil/fake",
            "the address has `.` or `..` path segments, which lead to another page",
        ),
        (
            "https://github.com/example/repo/%2e%2e/%2E%2E/evil/fake",
            "the address has `.` or `..` path segments, which lead to another page",
        ),
    ],
)
def test_rejected_by_rule(hosts: SourceHosts, url: str, reason: str) -> None:
    assert _cls(hosts, url) == ("rejected", reason)


def test_an_unlisted_internationalised_host_is_rejected(hosts: SourceHosts) -> None:
    assert _cls(hosts, "https://münchen.de/x") == (
        "rejected",
        "a host in non-Latin or look-alike letters (xn--mnchen-3ya.de) that is not listed",
    )


def _hosts_file(root: Path, text: str) -> list[str]:
    (root / "catalog" / "source_hosts.yaml").write_text(text)
    _, problems = load_hosts(root)
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "canonical:\n  - label: arXiv\n    hosts: [arxiv.org, arxiv.org.]\n",
            "catalog/source_hosts.yaml:3: canonical[0].hosts[1]: `arxiv.org.` ends with a dot: "
            "write the host without it (got 'arxiv.org.')",
        ),
        (
            "canonical:\n  - label: arXiv\n    hosts: [www.arxiv.org]\n",
            "catalog/source_hosts.yaml:3: canonical[0].hosts[0]: drop the `www.` of `www.arxiv.org`: "
            "www.<host> falls back to <host> (got 'www.arxiv.org')",
        ),
        (
            "canonical:\n  - label: arXiv\n    hosts: [https://arxiv.org]\n",
            "catalog/source_hosts.yaml:3: canonical[0].hosts[0]: `https://arxiv.org` is not a host "
            "name: write only the host (no scheme or path) (got 'https://arxiv.org')",
        ),
        (
            "canonical:\n  - label: arXiv\n    hosts: [arxiv.org]\nrejected:\n  - hosts: [x.org]\n",
            "catalog/source_hosts.yaml:5: rejected[0].reason: required field is missing",
        ),
        (
            "canonical:\n  - label: arXiv\n    hosts: [arxiv.org]\n  - label: Copy\n    hosts:\n      - arxiv.org\n",
            "catalog/source_hosts.yaml:6: canonical[1].hosts[0]: `arxiv.org` is listed twice "
            "(first at canonical[0].hosts[0])",
        ),
        (
            "canonical:\n  - label: arXiv\n    hosts: [arxiv.org]\nmixed:\n  - hosts: [github.com]\n"
            "    rules:\n      - own: true\n        canonical: the official repository\n",
            "catalog/source_hosts.yaml:5: mixed[0]: the last rule must have no condition (`path`, "
            "`own`, `entry`)",
        ),
        (
            "canonical:\n  - label: arXiv\n    hosts: [arxiv.org]\nmixed:\n  - hosts: [github.com]\n"
            "    rules:\n      - canonical: a\n        secondary: b\n",
            "catalog/source_hosts.yaml:7: mixed[0].rules[0]: a rule gives exactly one of "
            "`canonical`, `secondary` or `rejected` (got canonical, secondary)",
        ),
        (
            "canonical:\n  - label: arXiv\n    host: [arxiv.org]\n",
            "catalog/source_hosts.yaml:3: canonical[0].host: unknown field (not in the schema; "
            "check its spelling)",
        ),
    ],
)
def test_a_bad_hosts_file_is_located(catalog_root: Path, text: str, expected: str) -> None:
    assert expected in _hosts_file(catalog_root, text)


def test_a_bad_hosts_file_fails_validation_and_skips_the_provenance_checks(
    catalog_root: Path,
) -> None:
    _hosts_file(catalog_root, "canonical: []\n")
    _, problems = validate(catalog_root)
    assert [(p.path, p.field, p.severity.value) for p in problems] == [
        ("catalog/source_hosts.yaml", "canonical", "error")
    ]


def test_a_missing_hosts_file_is_an_error(catalog_root: Path) -> None:
    """Without it no source could be rejected: validation fails rather than passing everything."""
    (catalog_root / "catalog" / "source_hosts.yaml").unlink()
    _, problems = validate(catalog_root)
    assert [str(p) for p in problems] == [
        "catalog/source_hosts.yaml:1: -: catalog/source_hosts.yaml is missing: sources "
        "cannot be classified"
    ]
