"""Key bindings whose descriptions are catalog keys, translated when they are shown.

Binding descriptions are written as catalog keys (`Binding("f2", "accept", "inbox.bind.accept",
id="inbox.accept")`) because classes are built at import time, before the language is chosen.
`TranslatedBindings` (mixed into every screen of the app) translates them in `active_bindings`,
which is what the Footer, the key panel and the F1 help read. Textual's own bindings (plain
English descriptions on built-in widgets) are left as they are.

The footer shows the keys that matter most at the terminal's width: a screen or panel lists its
binding ids in `FOOTER_ORDER` (most important first); the focused panel's order comes first,
then the screen's, then the shell's (`SHELL_ORDER`). When the footer cannot hold every shown key,
the keys that come last in that order are left to F1 (which lists every active key). Keys in
no order keep their place after the ordered ones.

The footer is rebuilt (every key a new widget, each styled anew) whenever its screen publishes
"bindings changed". Textual publishes at every focus change, screen push, reactive with
`bindings=True` and `refresh_bindings()` call: thirteen to sixteen times in a start and sign-in,
several in one frame, most with the same keys. `TranslatedBindings.refresh_bindings` publishes
once per frame at most, and only when what the footer shows changed (`footer_keys`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rich.cells import cell_len
from textual.binding import ActiveBinding, Binding
from textual.widgets import Footer

from wealthtui.i18n import has, t

#: what a catalog key looks like: dotted lower-case words
CATALOG_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


#: the descriptions Textual's own widgets give their shown keys, and our catalog key for each
TEXTUAL_TEXTS = {
    "Dismiss menu": "shell.textual.dismiss_menu",              # a Select's open list
    "Exit the command palette": "shell.textual.exit_palette",
    "Open link": "shell.textual.open_link",
}


#: keys printed by another name than their own capitalised: what the keyboard says (issue 19:
#: one key display everywhere, "Esc" as the catalogs' hints write it, never Textual's "escape")
KEY_NAMES = {"escape": "Esc", "pageup": "PgUp", "pagedown": "PgDn", "delete": "Del"}
#: keys named in the reader's language (F1 listed the lobby's arrows as "Left"/"Right" in
#: Chinese); catalog keys, no arrow glyphs (ambiguous width in a Chinese terminal)
WORDED_KEYS = {"left": "s18keys.left", "right": "s18keys.right", "up": "s18keys.up",
               "down": "s18keys.down"}


def key_display(binding: Binding) -> str:
    """How a binding's key reads in the footer, F1 and dialogs: F-keys as "F2", ctrl-combinations
    as "Ctrl+L" (what is printed on the keyboard), Escape as "Esc"; alternatives with "/"."""
    if binding.key_display:
        return binding.key_display
    shown = []
    for key in binding.key.split(","):
        *modifiers, name = key.strip().split("+")
        if name in KEY_NAMES:
            name = KEY_NAMES[name]
        elif name in WORDED_KEYS:
            name = t(WORDED_KEYS[name])
        elif len(name) > 1 and name[0] == "f" and name[1:].isdigit() or len(name) == 1:
            name = name.upper()
        else:
            name = name.capitalize()
        shown.append("+".join([*(m.capitalize() for m in modifiers), name]))
    return "/".join(shown)


def translate(description: str) -> str:
    """The text for a binding description: catalog keys are translated, Textual's own texts are
    replaced by ours, other text is kept."""
    if description and (has(description) or CATALOG_KEY.match(description)):
        return t(description)
    if description in TEXTUAL_TEXTS:
        return t(TEXTUAL_TEXTS[description])
    return description


def translated(binding: Binding) -> Binding:
    text = translate(binding.description)
    tooltip = translate(binding.tooltip)
    if text == binding.description and tooltip == binding.tooltip:
        return binding
    return replace(binding, description=text, tooltip=tooltip)


#: the shell's keys in the order they matter in the footer (F1 help first, quit last of all)
SHELL_ORDER = ("app.help", "shell.inbox", "app.lock", "app.next_mode", "app.quit")
#: cells the footer gives a key beyond its key and description (padding), and the palette key
KEY_PADDING, PALETTE_CELLS = 3, 14
#: the palette key's cells besides its description ("▏Ctrl+P " and padding): 14 with 命令,
#: 18 with "Commands" (issue 19: at 80 columns English cut the last key, "F1 Hel")
PALETTE_KEY_CELLS = PALETTE_CELLS - 4


def palette_cells() -> int:
    """Cells the footer's palette key takes in the screen's language."""
    return PALETTE_KEY_CELLS + cell_len(t("shell.bind.palette"))


def footer_order(nodes: list[Any]) -> list[str]:
    """Binding ids by importance: F1 help first (it leads to every other key), then each
    node's FOOTER_ORDER, innermost node first, then the shell's."""
    order: list[str] = ["app.help"]
    for node in nodes:
        for binding_id in getattr(node, "FOOTER_ORDER", ()):
            if binding_id not in order:
                order.append(binding_id)
    order.extend(i for i in SHELL_ORDER if i not in order)
    return order


def fit_footer(bindings: dict[str, ActiveBinding], order: list[str], width: int,
               key_display: Any, *, palette: bool = True) -> dict[str, ActiveBinding]:
    """`bindings` with `show` taken off the least important shown keys until the shown ones fit
    in `width` cells, beside the palette key when the footer shows it (`palette`: a dialog's
    footer has none, and reserving its cells hid keys that fitted)."""
    rank = {binding_id: i for i, binding_id in enumerate(order)}
    shown = [(key, b) for key, b in bindings.items() if b.binding.show]
    shown.sort(key=lambda kb: rank.get(kb[1].binding.id or "", len(rank)))
    budget = width - (palette_cells() if palette else 0)
    hidden: set[str] = set()
    for key, active in shown:
        cost = cell_len(key_display(active.binding)) + cell_len(active.binding.description) \
            + KEY_PADDING
        if cost <= budget:
            budget -= cost
        else:
            hidden.add(key)
            budget = -1  # keep the order: nothing less important is shown after a gap
    if not hidden:
        return bindings
    return {key: (ActiveBinding(a.node, replace(a.binding, show=False), a.enabled, a.tooltip)
                  if key in hidden else a) for key, a in bindings.items()}


def footer_keys(bindings: dict[str, ActiveBinding], palette_key: str) -> tuple[Any, ...]:
    """What a Footer draws from `bindings`: every shown key and the palette key, each with what
    its FooterKey is built from (a rebuild with the same tuple draws the same footer)."""
    return tuple(
        (key, b.binding.key, b.binding.key_display, b.binding.description, b.binding.action,
         id(b.binding.group) if b.binding.group else None, b.enabled, b.tooltip,
         b.binding.tooltip)
        for key, b in bindings.items() if b.binding.show or key == palette_key)


class TranslatedBindings:
    """Screen mixin: `active_bindings` with translated descriptions, and the footer's keys
    fitted to the width in the order of importance (FOOTER_ORDER); "bindings changed" told
    to the footer once per frame, and only when the keys it shows changed (see the module)."""

    #: a publication is scheduled for after the next refresh
    _bindings_due = False
    #: what the footer was last told to show (None: nothing told yet)
    _bindings_told: tuple[Any, ...] | None = None
    #: the focus is between two widgets (see `focus_moving`): nothing told meanwhile
    _focus_moving = False

    def focus_moving(self, moving: bool) -> None:
        """A focus move in two steps (a tab switch: the focus leaves the pane being hidden,
        and goes into the shown one after the layout) holds the footer: it is told once, of
        the keys where the focus lands, not rebuilt for the frame between with the keys of no
        focus (issue 22: two footer rebuilds per head tab switch)."""
        self._focus_moving = moving
        if not moving:
            self.refresh_bindings()

    def refresh_bindings(self) -> None:
        """Ask for the footer to follow the bindings: after this frame, once, whatever the
        number of asks in it."""
        if self._bindings_due:
            return
        self._bindings_due = True
        me: Any = self
        me.call_after_refresh(self._tell_bindings)

    def _tell_bindings(self) -> None:
        self._bindings_due = False
        me: Any = self
        if not me.is_attached or self._focus_moving:
            return
        app = me.app
        footers = list(me.query(Footer))
        told = (app.app_focus, tuple(f._bindings_ready for f in footers),
                footer_keys(self.active_bindings, app.COMMAND_PALETTE_BINDING)
                if footers else ())
        if told == self._bindings_told:
            return
        super().refresh_bindings()  # type: ignore[misc]
        # told as the footers are now (a footer not ready before is ready once told)
        self._bindings_told = (told[0], tuple(f._bindings_ready for f in footers), told[2])

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        raw: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        bindings = {
            key: ActiveBinding(node, translated(binding), enabled, translate(tooltip))
            for key, (node, binding, enabled, tooltip) in raw.items()
        }
        me: Any = self
        try:
            app, focused = me.app, me.focused
        except Exception:  # noqa: BLE001 - no app (a screen built outside one): as they are
            return bindings
        chain = list(focused.ancestors_with_self) if focused is not None else []
        nodes = [n for n in chain if n is not me and n is not app] + [me]
        width, palette = app.size.width, True  # before the footer is laid out: as the screen
        footer = next(iter(me.query(Footer)), None)
        if footer is not None and footer.size.width:  # laid out: its own width (a dialog's is
            width = footer.size.width  # narrower), the palette's cells only when it shows it
            palette = app.COMMAND_PALETTE_BINDING in bindings
        return fit_footer(bindings, footer_order(nodes), width, app.get_key_display,
                          palette=palette)
