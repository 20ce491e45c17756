"""Measures of how a page reads in a browser, for the browser tests and `benchmarks/site_reading.py`.

`split_words(page)` finds words broken across lines: every word in the page's content gets a DOM
Range, and a word whose line boxes sit on more than one line is split. A "word" is a run of
characters between spaces, hyphens and slashes (a line may break after "X-ray-" as typography
allows); words longer than `LONG_WORD` characters (URLs, ids, hashes) may wrap and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LONG_WORD = 25
"""Words longer than this (URLs, DOIs, ids) may wrap to keep the page inside the screen."""

_SPLIT_WORDS_JS = """
([maxLength, root]) => {
  const scope = document.querySelector(root) || document.body;
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  const pattern = /[^\\s\\-\\u2010-\\u2015\\/]+/g;
  let words = 0;
  const split = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('.mga-sr-only, script, style, [hidden]')) continue;
    const text = node.textContent;
    let match;
    pattern.lastIndex = 0;
    while ((match = pattern.exec(text)) !== null) {
      const word = match[0];
      if (word.length > maxLength) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + word.length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
      if (!rects.length) continue;
      words += 1;
      const lines = new Set(rects.map(r => Math.round(r.top / 4)));
      const tops = rects.map(r => r.top);
      if (Math.max(...tops) - Math.min(...tops) > rects[0].height / 2 && lines.size > 1) {
        split.push(word);
      }
    }
  }
  return {words, split};
}
"""


@dataclass(frozen=True)
class SplitWords:
    """Words measured on a page and the ones broken across lines."""

    words: int
    split: tuple[str, ...]


def split_words(page: Any, root: str = "article", max_length: int = LONG_WORD) -> SplitWords:
    """The words of `root` (a CSS selector) in the loaded page that are broken across lines."""
    result = page.evaluate(_SPLIT_WORDS_JS, [max_length, root])
    return SplitWords(int(result["words"]), tuple(result["split"]))


def page_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0: it never scrolls sideways)."""
    return int(
        page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")
    )
