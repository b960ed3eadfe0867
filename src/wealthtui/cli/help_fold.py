"""The command-line help folds by cells, in both languages (issue 19).

Rich wraps a line only at spaces; a Chinese sentence has none, so Typer's help table cut it with
… at 80 columns ("重建：删除现有的演示数据库后重新生…"). Here a line may also break between two
wide (CJK) characters, and between a wide character and a Latin word, measured in cells (CJK = 2);
closing punctuation (。，、）…) never starts a line and opening punctuation (（「…) never ends one;
a piece longer than the whole line is folded by cells, never cut.

`FoldingText` is a rich Text that wraps and measures this way. Typer renders every help text it
builds through its module-level `highlighter` (a public `typer.rich_utils` setting, like the
panel titles cli/shared.py sets): `FoldingHighlighter` is that highlighter, returning
FoldingText, so the usage line, the command's description and every option's and command's help
fold.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text
from typer.rich_utils import OptionHighlighter

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
    return before.isspace() or _wide(before) or _wide(char)  # not inside a Latin word


def break_offsets(text: str, width: int) -> list[int]:
    """Where the lines of `text` (one paragraph, no newline) start after the first, so that no
    line is wider than `width` cells once its trailing spaces are dropped."""
    width = max(width, 2)
    offsets: list[int] = []
    start, cells, last = 0, 0, 0  # the line's start, its cells so far, its last break point
    for i, char in enumerate(text):
        if i > start and may_break(text, i):
            last = i
        w = cell_len(char)
        if not char.isspace() and i > start and cells + w > width:
            if last > start:  # back to the last break point
                offsets.append(last)
                start, cells = last, cell_len(text[last:i])
            if i > start and cells + w > width:  # a piece wider than the line: folded here
                offsets.append(i)
                start, cells = i, 0
            last = start
        cells += w
    return offsets


def _pieces(text: str) -> list[str]:
    """The pieces of `text` no line breaks inside."""
    pieces: list[str] = []
    begin = 0
    for i in range(1, len(text)):
        if may_break(text, i):
            pieces.append(text[begin:i])
            begin = i
    pieces.append(text[begin:])
    return pieces


class FoldingText(Text):
    """A rich Text that breaks lines between CJK characters as well as at spaces (see above)."""

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
        lines = self.plain.splitlines()
        widest = max((cell_len(line) for line in lines), default=0)
        pieces = [p.strip() for line in lines for p in _pieces(line)]
        narrowest = max((cell_len(p) for p in pieces), default=widest)
        return Measurement(min(narrowest, widest), widest)


def folding(text: Text) -> FoldingText:
    """`text` (its spans and style kept) as a FoldingText."""
    if isinstance(text, FoldingText):
        return text
    folded = FoldingText(justify=text.justify, overflow=text.overflow, no_wrap=text.no_wrap,
                         end=text.end, tab_size=text.tab_size)
    folded.append_text(text)
    return folded


class FoldingHighlighter(OptionHighlighter):
    """Typer's option highlighter, returning FoldingText."""

    def __call__(self, text: str | Text) -> Text:
        return folding(super().__call__(text))
