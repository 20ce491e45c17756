"""The sanitiser behind contributor Markdown (nh3), on HTML that markdown-it would never produce.

markdown-it runs with raw HTML off, so these inputs reach `sanitise` only if that ever changed; they
pin the cases where nh3 (ammonia) differs from bleach, which it replaced.
"""

from __future__ import annotations

import pytest

from tools.site.markdown import ALLOWED_TAGS, INLINE_TAGS, markdown_html, sanitise


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # bleach (strip=True) kept the text of <script> and <style>; nh3 drops it with the tag
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ("<style>p{color:red}</style><p>x</p>", "<p>x</p>"),
        # unknown tags go, their text stays
        ("<p><span onclick=x>kept</span></p>", "<p>kept</p>"),
        ("<!-- secret --><p>x</p>", "<p>x</p>"),
        # links: only absolute http(s) addresses survive, and rel is always ours
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener nofollow">x</a>'),
        ('<a href="&#106;avascript:alert(1)">x</a>', '<a rel="noopener nofollow">x</a>'),
        ('<a href="//evil.example/x">x</a>', '<a rel="noopener nofollow">x</a>'),
        ('<a href="data:text/html,x">x</a>', '<a rel="noopener nofollow">x</a>'),
        (
            '<a href="https://example.org/" rel="opener" target="_blank" onmouseover="x">x</a>',
            '<a href="https://example.org/" rel="noopener nofollow">x</a>',
        ),
        # foreign content cannot smuggle a script through parser differences
        ("<svg><script>alert(1)</script></svg>", ""),
        ("<math><mi><style><img src=x onerror=alert(1)></style></mi></math>", ""),
        ('<img src="x" onerror="alert(1)">', ""),
        ('<td align="right" style="x">1</td>', "1"),  # a cell outside a table is not kept
        ("<table><tr><td align=right style=x>1</td></tr></table>", None),
    ],
)
def test_sanitise(html: str, expected: str | None) -> None:
    out = sanitise(html, ALLOWED_TAGS)
    if expected is not None:
        assert out == expected
    for bad in ("<script", "onerror", "onclick", "onmouseover", "javascript:", "style="):
        assert bad not in out


def test_table_cells_keep_alignment_only() -> None:
    out = sanitise("<table><tr><td align=right style=x>1</td></tr></table>", ALLOWED_TAGS)
    assert '<td align="right">1</td>' in out and "style" not in out


def test_inline_tags_are_fewer() -> None:
    assert sanitise("<p><em>a</em><h3>b</h3></p>", INLINE_TAGS) == "<em>a</em>b"


def test_markdown_escapes_raw_html_before_sanitising() -> None:
    html = str(markdown_html("<script>alert(1)</script> and <b>bold</b>"))
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt;</p>"
