"""Where a line of text may break, measured in terminal cells (CJK = 2) — the one rule (issue 19).

Rich and Textual wrap only at spaces, and a Chinese sentence has none; neither knows that a
closing mark (。，、）…) never starts a line nor an opening one (（「…) ends one. Here a line may
break at a space, between two wide (CJK) characters and between a wide character and a Latin
word; never before closing punctuation or after opening punctuation, nor between a word and
the number after it (结案 1, "on the spot 87.5%"); a piece wider than the whole line is folded
by cells, never cut.

The command line's help (`cli/help_fold.py`, through `FoldingText`) and the app's paragraphs
(`ui/text.py`'s `Paragraph` and F1's tables) both break with `break_offsets`.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text

#: never at the start of a line
CLOSING = frozenset("。，、；：！？）」』】》〉〕…—%,.;:!?)]}”’")
#: never at the end of a line
OPENING = frozenset("（「『【《〈〔“‘([{")


def _wide(char: str) -> bool:
    return cell_len(char) == 2


def may_break(text: str, i: int) -> bool:
    """Whether a line may start at `text[i]` (0 < i < len(text))."""
    before, char = text[i - 1], text[i]
    if char.isspace() or char in CLOSING or before in OPENING:
        return False
    if char.isdigit() and before == " " and i > 1 and not (text[i - 2].isspace()
                                                          or text[i - 2].isdigit()):
        return False  # a number stays with the word it counts: 结案 1，not 结案 / 1，
    return before.isspace() or _wide(before) or _wide(char)  # not inside a Latin word


def break_offsets(text: str, width: int) -> list[int]:
    """Where the lines of `text` (one paragraph, no newline) start after the first, so that no
    line is wider than `width` cells once its trailing spaces are dropped. A break at a space
    is taken over a later one between two characters when what it moves to the next line is
    at most a third of the line (it keeps "线索 0" whole in "· 线索 0 · 分流 0", and never
    leaves a half-empty line)."""
    width = max(width, 2)
    offsets: list[int] = []
    start, cells, last, spaced = 0, 0, 0, 0  # the line's start, its cells so far, its last
    for i, char in enumerate(text):          # break point, and its last one after a space
        if i > start and may_break(text, i):
            last = i
            if text[i - 1].isspace():
                spaced = i
        w = cell_len(char)
        if not char.isspace() and i > start and cells + w > width:
            if spaced > start and spaced != last and cell_len(text[spaced:i]) <= width // 3:
                last = spaced
            if last > start:  # back to the last break point
                offsets.append(last)
                start, cells = last, cell_len(text[last:i])
            if i > start and cells + w > width:  # a piece wider than the line: folded here
                offsets.append(i)
                start, cells = i, 0
            last = spaced = start
        cells += w
    return offsets


def pieces(text: str) -> list[str]:
    """The pieces of `text` no line breaks inside."""
    out: list[str] = []
    begin = 0
    for i in range(1, len(text)):
        if may_break(text, i):
            out.append(text[begin:i])
            begin = i
    out.append(text[begin:])
    return out


def narrowest(text: str) -> int:
    """The cells of the widest piece of `text` (its lines' narrowest fold without cutting)."""
    return max((cell_len(p.strip()) for line in text.splitlines() for p in pieces(line)),
               default=0)


class FoldingText(Text):
    """A rich Text that breaks lines by `break_offsets` (for Rich: the CLI's help, a Rich table's
    cells). Textual converts a Rich Text to its own Content and wraps that itself: for the app's
    paragraphs use `ui.text.Paragraph`."""

    def wrap(self, console: Any, width: int, *, justify: Any = None, overflow: Any = None,
             tab_size: int = 8, no_wrap: bool | None = None) -> Lines:
        if no_wrap or self.no_wrap or overflow == "ignore":
            return super().wrap(console, width, justify=justify, overflow=overflow,
                                tab_size=tab_size, no_wrap=no_wrap)
        wrap_justify = justify or self.justify or "default"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            new_lines = line.divide(break_offsets(line.plain, width))
            for piece in new_lines:
                piece.rstrip()
            new_lines.justify(console, width, justify=wrap_justify, overflow="fold")
            lines.extend(new_lines)
        return lines

    def __rich_measure__(self, console: Any, options: Any) -> Measurement:
        widest = max((cell_len(line) for line in self.plain.splitlines()), default=0)
        return Measurement(min(narrowest(self.plain) or widest, widest), widest)


def folding(text: Text | str, style: str = "") -> FoldingText:
    """`text` (a Rich Text's spans and style kept; a `str` as plain text) as a FoldingText."""
    if isinstance(text, FoldingText):
        return text
    if not isinstance(text, Text):
        return FoldingText(text, style=style)
    folded = FoldingText(justify=text.justify, overflow=text.overflow, no_wrap=text.no_wrap,
                         end=text.end, tab_size=text.tab_size)
    folded.append_text(text)
    return folded
