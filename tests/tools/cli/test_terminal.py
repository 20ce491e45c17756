"""Terminal output: control and bidirectional characters reach the terminal as visible escapes."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from tools.cli.app import echo
from tools.cli.terminal import clean


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("title \x1b[2J\x1b]0;pwned\x07", "title \\x1b[2J\\x1b]0;pwned\\x07"),
        ("a\x00b\x7fc\x9bd", "a\\x00b\\x7fc\\x9bd"),
        ("file\u202egnp.exe", "file\\u202egnp.exe"),
        ("x\ufffey\u2066z", "x\\ufffey\\u2066z"),
        ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
        ("tabs\tand\nlines stay, 医学 and ü too", "tabs\tand\nlines stay, 医学 and ü too"),
    ],
)
def test_clean(text: str, shown: str) -> None:
    assert clean(text) == shown


def test_echo_never_sends_raw_escapes() -> None:
    app = typer.Typer()

    @app.command()
    def show() -> None:
        echo("Paper: \x1b[31mred\x1b[0m \u202eevil")
        echo("err \x07", err=True)

    result = CliRunner().invoke(app, [])
    assert result.exit_code == 0
    assert (
        "\x1b" not in result.output
        and "\u202e" not in result.output
        and "\x07" not in result.output
    )
    assert "Paper: \\x1b[31mred\\x1b[0m \\u202eevil" in result.output
