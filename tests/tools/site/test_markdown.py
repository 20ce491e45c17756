"""Catalog text to safe HTML: sanitising, formatting, URLs."""

from __future__ import annotations

import pytest

from tools.site.markdown import ALLOWED_TAGS, INLINE_TAGS, markdown_html, safe_url, sanitise


@pytest.mark.parametrize(
    ("text", "absent", "present"),
    [
        ("<script>alert(1)</script>", "<script", "&lt;script&gt;"),
        ('<img src=x onerror="alert(1)">', "<img", "onerror"),
        ("[x](javascript:alert(1))", 'href="javascript', "javascript:alert(1)"),
        ("[x](JAVASCRIPT:alert(1))", "href=", "x"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "href=", "x"),
        ("![pic](https://example.org/a.png)", "<img", ""),
        ('<a href="https://ok.org" onclick="x()">a</a>', "<a ", "&lt;a href"),
        ("[x](/relative/path)", "href=", "x"),
    ],
)
def test_markdown_is_sanitised(text: str, absent: str, present: str) -> None:
    html = str(markdown_html(text))
    assert absent not in html
    assert present in html


def test_markdown_keeps_formatting_links_and_shifts_headings() -> None:
    html = str(markdown_html("# Title\n\nSome **bold** and [a link](https://example.org/x).\n"))
    assert "<h3>Title</h3>" in html and "<h1>" not in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/x" rel="noopener nofollow">a link</a>' in html


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=c", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("//evil.org/x", False),
        ('https://x.org/"onmouseover=alert(1)', False),
        ("ftp://example.org", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_inline_markdown_has_no_paragraph_and_stays_safe() -> None:
    from tools.site.markdown import markdown_inline_html

    assert str(markdown_inline_html("`<input>-to-<output>`; the *file* name")) == (
        "<code>&lt;input&gt;-to-&lt;output&gt;</code>; the <em>file</em> name"
    )
    assert "<script" not in str(markdown_inline_html("<script>x</script> [a](javascript:x)"))


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
