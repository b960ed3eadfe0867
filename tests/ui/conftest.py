"""UI test fixtures: no raw catalog keys may reach the screen, no blinking cursors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Input

from wealthtui import i18n


@pytest.fixture(autouse=True)
def _no_missing_keys() -> Iterator[None]:
    """Every text a UI test rendered came from the catalogs: i18n.MISSING stays empty."""
    i18n.MISSING.clear()
    yield
    missing = sorted(i18n.MISSING)
    i18n.MISSING.clear()
    assert not missing, f"raw catalog keys shown on screen: {missing}"


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs created by any screen keep their cursor still (snapshots stay stable)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
