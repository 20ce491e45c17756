"""Catalog text to safe HTML: sanitising, formatting, URLs."""

from __future__ import annotations

import pytest

from tools.site.markdown import markdown_html, safe_url


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
    assert '<a rel="noopener nofollow" href="https://example.org/x">a link</a>' in html


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
