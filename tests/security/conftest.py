"""The UI tests' guards apply here too: no raw catalog key on screen, no blinking cursor."""

from tests.ui.conftest import _no_missing_keys, _steady_cursor  # noqa: F401
