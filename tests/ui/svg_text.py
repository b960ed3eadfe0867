"""Read a snapshot SVG (Rich's terminal export) back as the text on the terminal, one line per
row, CJK in two cells, so a person (or a test) can read a snapshot without a browser:

    .venv/bin/python -m tests.ui.svg_text tests/ui/__snapshots__/test_every_screen/*cm-80x24-en*.svg
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from rich.cells import cell_len

CELL = 12.2  # Rich's export: one cell is 12.2 px wide (font-size 20, char width 0.61 em)
TEXT = re.compile(r'<text class="terminal-r\d+" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
                  r'clip-path="url\(#terminal-line-(\d+)\)">([^<]*)</text>')


def svg_lines(svg: str) -> list[str]:
    """The terminal's rows as text (trailing blanks dropped)."""
    rows: dict[int, dict[int, str]] = {}
    for x, line, raw in TEXT.findall(svg):
        col = round(float(x) / CELL)
        cells = rows.setdefault(int(line), {})
        for char in html.unescape(raw).replace("\xa0", " "):
            cells[col] = char
            col += cell_len(char) or 1
    out = []
    for line in range(max(rows, default=-1) + 1):
        cells = rows.get(line, {})
        text, col = "", 0
        for start in sorted(cells):
            if start < col:  # the right half of a wide character
                continue
            text += " " * (start - col) + cells[start]
            col = start + max(cell_len(cells[start]), 1)
        out.append(text.rstrip())
    return out


def main(paths: list[str]) -> None:
    for path in paths:
        print(f"== {Path(path).name}")
        print("\n".join(svg_lines(Path(path).read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main(sys.argv[1:])
