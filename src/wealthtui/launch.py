"""Opening the workstation: the console script `wealthtui`.

The shortcut on a counter, a CM's desk or the kiosk runs `wealthtui`, perhaps with `--db`,
`--config`, `--lang` or `--kiosk`: that opens the sign-in screen, and none of the command line's
machinery is needed for it. `main` reads those options itself (bootstrap.plain_options) — each at
most once, as `--option value` or `--option=value`, with a value the command line would accept —
and opens the app (bootstrap.open_workstation). Anything else (a sub-command, the help, an option
given twice, a value out of range, a mistake) goes to the Typer app in wealthtui.cli, imported
only then, which reads the whole command line again and answers as it always does. An error
while opening is one line (bootstrap.report), the same as the command line's. So the sign-in
screen shows without Typer being loaded (DESIGN §6, start-up). The calling board,
`wealthtui display [--db …] [--config …] [--lang …]`, opens the same way (issue 22), and so
does the operator's `wealthtui eod …` (eod_command.py).
"""

from __future__ import annotations

import gc
import sys
from functools import partial

from wealthtui import bootstrap, eod_command, i18n


def main() -> None:
    """The console script: `wealthtui`.

    The cyclic garbage collector is off during the start-up: nearly everything made before the
    sign-in screen shows (modules, the screen's widgets) lives on, and the collector walked it
    again and again (~30-40 ms, DESIGN §6). The app turns it on again once the sign-in screen
    is up (WealthApp._start_warm_up) or the board's first read is done (DisplayApp); a
    sub-command turns it on before it runs (cli.root)."""
    gc.disable()
    argv = sys.argv[1:]
    if (options := bootstrap.plain_options(argv)) is not None:
        opening = bootstrap.open_workstation
    elif (options := bootstrap.display_options(argv)) is not None:
        opening = bootstrap.open_display
    elif (options := eod_command.options(argv)) is not None:
        opening = partial(eod_command.run, found=options)
    else:
        from wealthtui.cli import app  # the only import of the command line: hand it over

        app(prog_name="wealthtui")
        return
    st = bootstrap.state_of(options)
    if st.lang:
        i18n.set_language(st.lang)
    try:
        code = opening(st)
    except (Exception, KeyboardInterrupt) as exc:
        if bootstrap.debugging() and not isinstance(exc, KeyboardInterrupt):
            raise
        code = bootstrap.report(exc)
    sys.exit(code)
