"""The one family of errors a user can fix, shared by both demos.

Every error that bad input can cause (a config key, a file, a checkpoint, an attribute) is a
:class:`DemoError`; the command lines print its message on one line and exit with
:data:`EXIT_CODE`. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

EXIT_CODE = 2
"""Exit status of both demos' commands on bad input (click uses 2 for bad options too)."""


class DemoError(Exception):
    """Bad input a user can fix; ``str(err)`` says what and where, on one line."""
