"""The command-line help folds by cells, in both languages (issue 19).

Rich wraps a line only at spaces; a Chinese sentence has none, so Typer's help table cut it with
… at 80 columns ("重建：删除现有的演示数据库后重新生…"). The help's texts are `FoldingText`
(`rules/linebreak.py`, the one line-breaking rule the app's paragraphs use too): a line may also
break between two wide (CJK) characters, closing punctuation never starts a line, opening
punctuation never ends one, and a piece longer than the whole line is folded, never cut.

Typer renders every help text it builds through its module-level `highlighter` (a public
`typer.rich_utils` setting, like the panel titles cli/shared.py sets): `FoldingHighlighter` is
that highlighter, returning FoldingText, so the usage line, the command's description and every
option's and command's help fold.
"""

from __future__ import annotations

from rich.text import Text
from typer.rich_utils import OptionHighlighter

from wealthtui.rules.linebreak import FoldingText, folding


class FoldingHighlighter(OptionHighlighter):
    """Typer's option highlighter, returning FoldingText."""

    def __call__(self, text: str | Text) -> Text:
        return folding(super().__call__(text))


__all__ = ["FoldingHighlighter", "FoldingText", "folding"]
