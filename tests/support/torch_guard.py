"""pytest plugin for the fast lane (`make test-fast`): fail the run if anything imports torch.

Loaded with `-p tests.support.torch_guard`. Collection that imports torch stops the run; a test
after which torch is in `sys.modules` fails, naming itself (the first such test is the culprit).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

FORBIDDEN = "torch"


def _imported() -> bool:
    return FORBIDDEN in sys.modules


def pytest_collection_finish(session: pytest.Session) -> None:
    """Collecting the fast lane must not import torch."""
    if _imported():
        raise pytest.UsageError(
            f"collecting the fast lane imported {FORBIDDEN}: a test module imports it at top level"
        )


@pytest.fixture(autouse=True)
def _no_torch(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if _imported():
        pytest.fail(f"{request.node.nodeid} imported {FORBIDDEN}; the fast lane must not", False)
