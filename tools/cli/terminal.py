"""Text bound for a terminal: control and bidirectional characters shown as escapes, never sent raw.

A title holding ESC could recolour or rewrite the terminal, and a right-to-left override could make
a line read differently from what it says; `clean` turns each into a visible `\\x1b` or `\\u202e`.
"""

from __future__ import annotations

from tools.catalog.schema import UNSAFE_CHARS


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """`text` with every unsafe character replaced by its escape (tabs and newlines kept)."""
    return UNSAFE_CHARS.sub(lambda m: _escape(m.group()), text)
