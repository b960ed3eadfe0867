"""Key bindings whose descriptions are catalog keys, translated when they are shown.

Binding descriptions are written as catalog keys (`Binding("f2", "accept", "inbox.bind.accept",
id="inbox.accept")`) because classes are built at import time, before the language is chosen.
`TranslatedBindings` (mixed into every screen of the app) translates them in `active_bindings`,
which is what the Footer, the key panel and the F1 help read. Textual's own bindings (plain
English descriptions on built-in widgets) are left as they are.
"""

from __future__ import annotations

import re
from dataclasses import replace

from textual.binding import ActiveBinding, Binding

from wealthtui.i18n import has, t

#: what a catalog key looks like: dotted lower-case words
CATALOG_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def translate(description: str) -> str:
    """The text for a binding description: catalog keys are translated, other text is kept."""
    if description and (has(description) or CATALOG_KEY.match(description)):
        return t(description)
    return description


def translated(binding: Binding) -> Binding:
    text = translate(binding.description)
    tooltip = translate(binding.tooltip)
    if text == binding.description and tooltip == binding.tooltip:
        return binding
    return replace(binding, description=text, tooltip=tooltip)


class TranslatedBindings:
    """Screen mixin: `active_bindings` with translated descriptions."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        raw: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        return {
            key: ActiveBinding(node, translated(binding), enabled, translate(tooltip))
            for key, (node, binding, enabled, tooltip) in raw.items()
        }
