"""The command lines' error mapping: a :class:`~demos.common.errors.DemoError` or an ``OSError``
becomes ``error: <message>`` on stderr and exit code :data:`~demos.common.errors.EXIT_CODE`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from .errors import EXIT_CODE, DemoError

F = TypeVar("F", bound=Callable[..., Any])


def one_line(err: BaseException) -> str:
    """The error's message on one line (an ``OSError`` as ``path: reason``)."""
    if isinstance(err, OSError) and err.strerror:
        text = f"{err.filename}: {err.strerror}" if err.filename else err.strerror
    else:
        text = str(err) or type(err).__name__
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def user_errors(fn: F) -> F:
    """Decorate a typer command: bad input ends in one ``error:`` line and ``EXIT_CODE``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (DemoError, OSError) as err:
            typer.echo(f"error: {one_line(err)}", err=True)
            raise typer.Exit(EXIT_CODE) from None

    return wrapper  # type: ignore[return-value]
