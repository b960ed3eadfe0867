"""What a role screen's sign-in and each tab's first opening cost, structurally (issue 22):
`python bench/tab_structure.py --db DB`.

The real app (headless 120×40, as bench/screens.py `opens` runs it) signs in as the demo CM
(8041) and the demo head (8001) and opens every tab once; for each it prints the time from the
key to the content shown (as `opens` measures it), the SQL statements sent meanwhile and the
widgets on the screen afterwards (the tabs are composed on first activation, ui/widgets/
lazy_tabs.py: sign-in mounts the initial tab only). Statements and widgets are the measures
to compare; the times are for reference (noisy on a shared machine).

Run with the center's config (WEALTHTUI_CONFIG). Signing in writes (the sign-in's audit row):
never on a database that is not yours.
"""

from __future__ import annotations

import os
import sys
import time
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
            await screens._sign_out(p)
        screens.emit(rows)
        os._exit(0)

    screens.run_app(db, walk)


if __name__ == "__main__":
    main()
