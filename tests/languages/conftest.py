from __future__ import annotations

from collections.abc import Iterator

import pytest

import languages
from tests.languages.toy import ESPERANTO


@pytest.fixture
def esperanto() -> Iterator[languages.Language]:
    """Esperanto registered for one test; the registry is as before afterwards."""
    before = languages.codes()
    languages.register(ESPERANTO)
    try:
        yield ESPERANTO
    finally:
        languages.unregister(ESPERANTO.code)
        assert languages.codes() == before
