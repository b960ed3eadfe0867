"""What a role screen's sign-in and each tab's first opening cost, structurally (issue 22):
`python bench/tab_structure.py --db DB`.

The real app (headless 120×40, as bench/screens.py `opens` runs it) signs in as the demo CM
(8041) and the demo head (8001) and opens every tab once; for each it prints the time from the
key to the content shown (as `opens` measures it), the SQL statements sent meanwhile and the
widgets on the screen afterwards (the tabs are composed on first activation, ui/widgets/
lazy_tabs.py: sign-in mounts the initial tab only). Statements and widgets are the measures
to compare; the times are for reference (noisy on a shared machine).

Then it shows every tab a second time (composed already: what a switch alone costs the event
loop) and prints, for each, the screen's full layouts, the frames drawn (full and partial
compositor updates) and the footer's rebuilds over the switch and the 0.6 s after it (the
tabs' underline used to slide over 0.3 s, a frame each time; issue 22).

Run with the center's config (WEALTHTUI_CONFIG). Signing in writes (the sign-in's audit row):
never on a database that is not yours.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import screens  # noqa: E402

ROLES = (("cm", "8041", "246841"), ("head", "8001", "246801"))


def main() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    db = sys.argv[sys.argv.index("--db") + 1]
    sent = [0]

    def count(*_args: Any, **_kw: Any) -> None:
        sent[0] += 1

    event.listen(Engine, "before_cursor_execute", count)

    frames = _count_frames()

    async def walk(p: Any) -> None:
        rows: list[tuple[str, float]] = []
        print(f"{'what':<26}{'ms':>7}{'statements':>12}{'widgets':>9}", file=sys.stderr)
        for label, staff_no, pin in ROLES:
            sent[0] = 0
            took = await screens._sign_in(p, staff_no, pin)
            steps = [(f"{label}: sign-in", took, sent[0], len(p.app.screen.query("*")))]
            for tab, key in screens._tabs(p.app.screen)[1:]:
                sent[0] = 0
                started = time.perf_counter()
                await p.press(key)
                await screens._settle(p)
                steps.append((f"{label}: tab {tab}", time.perf_counter() - started, sent[0],
                              len(p.app.screen.query("*"))))
            for what, seconds, statements, widgets in steps:
                print(f"{what:<26}{seconds * 1000:>7.0f}{statements:>12}{widgets:>9}",
                      file=sys.stderr)
                rows.append((what, seconds))
            print(f"{'again':<26}{'layouts':>9}{'frames':>8}{'partial':>9}{'footer':>8}",
                  file=sys.stderr)
            for tab, key in [*screens._tabs(p.app.screen)[1:], *screens._tabs(p.app.screen)[:1]]:
                frames.clear()
                await p.press(key)
                await screens._settle(p)
                await p.pause(0.6)
                print(f"{label + ': tab ' + tab:<26}{frames['layout']:>9}{frames['full']:>8}"
                      f"{frames['partial']:>9}{frames['footer']:>8}", file=sys.stderr)
            await screens._sign_out(p)
        screens.emit(rows)
        os._exit(0)

    screens.run_app(db, walk)


def _count_frames() -> Counter[str]:
    """Counts the screen's full layouts, the compositor's full and partial updates and the
    footer's rebuilds (wrapping Textual's methods; for this probe only)."""
    from textual._compositor import Compositor
    from textual.screen import Screen
    from textual.widgets import Footer

    counts: Counter[str] = Counter()

    def counting(cls: Any, name: str, what: str) -> None:
        original = getattr(cls, name)

        def counted(*args: Any, **kw: Any) -> Any:
            counts[what] += 1
            return original(*args, **kw)

        setattr(cls, name, counted)

    counting(Screen, "_refresh_layout", "layout")
    counting(Compositor, "render_full_update", "full")
    counting(Compositor, "render_partial_update", "partial")
    counting(Footer, "recompose", "footer")  # returns the awaitable: counted when called
    return counts


if __name__ == "__main__":
    main()
