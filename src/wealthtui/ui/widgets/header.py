"""The header line: center name, business date, mode, staff name and roles, live clock.

Fitted to the width in terminal cells: when it does not fit, the role names go first — the roles
held in the screen's mode then stand in the mode's tag ("[非现金柜员]" for "[柜台]  非现金柜员",
issue 19: at 80 columns a non-cash teller saw no role) — then the center's name is cut with …
(a long English name dropped the role); the clock always stays. No ambiguous-width glyphs.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widget import Widget

from wealthtui.i18n import t, tl
from wealthtui.rules import permissions
from wealthtui.rules.clock import business_date, zone
from wealthtui.ui.calls import Calls
from wealthtui.ui.text import fit

GAP = "  "
#: a mode's own role: staff of that mode without it see their role in the mode's tag, which
#: stays when the roles at the end are dropped for width ("[大堂经理助理]", issue 19)
MODE_OWN_ROLE = {"lobby": permissions.LOBBY_MANAGER}


def role_names(roles: frozenset[str] | set[str]) -> str:
    return tl("、", ", ").join(t(f"role.{r}") for r in permissions.ROLES if r in roles)


def fit_parts(parts: list[str], width: int) -> str:
    """Join parts with a gap; drop from the end, then cut the last kept part, to fit `width`."""
    kept = [p for p in parts if p]
    while kept:
        line = GAP.join(kept)
        if cell_len(line) <= width:
            return line
        if len(kept) == 1:
            return set_cell_size(line, width).rstrip()
        kept.pop()
    return ""


#: the fewest cells the center's name is cut to (with …) to keep the roles on the line
MIN_CENTER = 6


def left_line(parts: list[str], width: int) -> str:
    """The header's parts (ShellHeader.texts) fitted to `width`: with the roles when they fit,
    else with a tag naming the roles held in the mode (parts[5:]) when that fits; else the same
    with the center's name cut with … (issue 19: a long English center name dropped the role —
    the role stays, the name is what gets cut); else as much as fits, from the front."""
    variants = [parts[:5], *([*parts[:3], tag] for tag in parts[5:] if tag)]
    for variant in variants:
        line = GAP.join(p for p in variant if p)
        if cell_len(line) <= width:
            return line
    for variant in sorted(variants, key=lambda v: cell_len(GAP.join(p for p in v[1:] if p))):
        rest = GAP.join(p for p in variant[1:] if p)  # the one that keeps more of the name
        room = width - cell_len(rest) - cell_len(GAP)
        if variant[0] and room >= MIN_CENTER:
            return GAP.join([fit(variant[0], room), rest])
    line = fit_parts(parts[:5], width)
    if len(parts) > 5 and parts[4] and not line.endswith(parts[4]):  # the roles did not fit
        held = fit_parts([*parts[:3], parts[5]], width)
        line = held if held.endswith(parts[5]) else line
    return line


class ShellHeader(Calls, Widget):
    """Docked at the top of every role screen (and the login and lock screens)."""

    DEFAULT_CSS = """
    ShellHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, *, mode: str = "", show_staff: bool = True, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.mode = mode
        self.show_staff = show_staff

    def on_mount(self) -> None:
        self.set_interval(1, self.refresh)

    def _now(self) -> datetime:
        now = self.clock.now()
        return now.astimezone(zone(self.settings.center.timezone))

    def texts(self) -> tuple[list[str], str]:
        """(left parts in order of importance, clock): center, date, staff, mode tag, roles;
        then the tags that name the roles held in the mode, used when the roles do not fit: the
        roles held in it ([非现金柜员]), and the mode's own tag when the staff member holds just
        the mode's one role ([Head])."""
        settings = self.settings
        now = self._now()
        day = business_date(now, now.tzinfo)  # type: ignore[arg-type]
        weekday = t(f"shell.weekday.{day.weekday()}")
        center = tl(settings.center.name, settings.center.name_en)
        parts = [center, f"{day.isoformat()} {weekday}"]
        actor = self.wealth_app.actor
        staff, roles = "", ""
        if self.show_staff and actor is not None:
            staff = t("shell.staff", name=actor.name, staff_no=actor.staff_no)
            roles = role_names(actor.roles)
        mode = t(f"mode.{self.mode}") if self.mode else ""
        if roles and actor is not None and self.mode and \
                set(actor.roles) == set(permissions.MODES.get(self.mode, ())):
            # the mode's one role is all the staff member holds (the head): one role label, the
            # role's own name, or the mode's short tag when that does not fit ([Head])
            short = f"[{mode}]"
            return [parts[0], parts[1], staff, f"[{roles}]", "", short], now.strftime("%H:%M:%S")
        own = MODE_OWN_ROLE.get(self.mode)
        if own and actor is not None and own not in actor.roles:
            held = set(actor.roles) & permissions.MODES.get(self.mode, frozenset())
            mode = role_names(held) or mode
        # importance: center, date, staff, mode, roles (dropped from the end)
        ordered = [parts[0], parts[1], staff, f"[{mode}]" if mode else "", roles]
        if roles and actor is not None and self.mode:
            held = role_names(set(actor.roles) & permissions.MODES.get(self.mode, frozenset()))
            if held and f"[{held}]" != ordered[3]:
                ordered.append(f"[{held}]")
        return ordered, now.strftime("%H:%M:%S")

    def render(self) -> Text:
        parts, clock = self.texts()
        width = self.size.width
        # one cell at each edge and at least two between the parts and the clock
        left = " " + left_line(parts, max(0, width - cell_len(clock) - 4))
        pad = max(2, width - cell_len(left) - cell_len(clock) - 1)
        text = Text(left, style="bold")
        text.append(" " * pad)
        text.append(clock)
        return text
