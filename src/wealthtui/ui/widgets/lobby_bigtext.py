"""Large ticket and counter numbers (three rows high) for the lobby and the calling board.

Textual's Digits widget draws 0–9, A–F and a few signs; ticket prefixes and counter names may use
other letters (V001, VIP1). `BigText` draws a leading run of such letters with the same 3×3
box-drawing style and hands the rest to a Digits widget.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.renderables.digits import DIGITS
from textual.widgets import Digits, Static

#: 3×3 glyphs for the letters Digits does not draw (A–F it draws itself)
LETTERS: dict[str, tuple[str, str, str]] = {
    "G": ("┏━╸", "┃╺┓", "┗━┛"),
    "H": ("╻ ╻", "┣━┫", "╹ ╹"),
    "I": ("╺┳╸", " ┃ ", "╺┻╸"),
    "J": ("  ╻", "  ┃", "┗━┛"),
    "K": ("╻ ╻", "┣┳┛", "╹┗╸"),
    "L": ("╻  ", "┃  ", "┗━╸"),
    "M": ("┏┳┓", "┃┃┃", "╹╹╹"),
    "N": ("┏┓╻", "┃┃┃", "╹┗┛"),
    "O": ("┏━┓", "┃ ┃", "┗━┛"),
    "P": ("┏━┓", "┣━┛", "╹  "),
    "Q": ("┏━┓", "┃ ┃", "┗━╋"),
    "R": ("┏━┓", "┣┳┛", "╹┗╸"),
    "S": ("┏━╸", "┗━┓", "╺━┛"),
    "T": ("╺┳╸", " ┃ ", " ╹ "),
    "U": ("╻ ╻", "┃ ┃", "┗━┛"),
    "V": ("╻ ╻", "┃ ┃", "┗┳┛"),
    "W": ("╻ ╻", "┃┃┃", "┗┻┛"),
    "X": ("╻ ╻", "┗┳┛", "┏┻┓"),
    "Y": ("╻ ╻", "┗┳┛", " ╹ "),
    "Z": ("╺━┓", "┏━┛", "┗━╸"),
}


def split(text: str) -> tuple[str, str]:
    """(leading letters Digits cannot draw, the rest)."""
    i = 0
    while i < len(text) and text[i] not in DIGITS and text[i].upper() in LETTERS:
        i += 1
    return text[:i].upper(), text[i:]


def letters_block(text: str) -> str:
    """Three lines drawing `text` (letters of LETTERS only)."""
    rows = ["", "", ""]
    for ch in text:
        glyph = LETTERS[ch]
        for r in range(3):
            rows[r] += glyph[r]
    return "\n".join(rows)


class BigText(Horizontal):
    """Text three rows high: `BigText("V001")`, `.value = "A012"`."""

    DEFAULT_CSS = """
    BigText {
        height: 3;
        width: auto;
    }
    BigText > .big-letters {
        width: auto;
        height: 3;
        text-style: bold;
    }
    BigText > Digits {
        width: auto;
        text-style: bold;
    }
    """

    def __init__(self, value: str = "", *, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._value = value

    def compose(self) -> ComposeResult:
        head, rest = split(self._value)
        letters = Static(letters_block(head), classes="big-letters")
        letters.display = bool(head)
        yield letters
        yield Digits(rest)

    @property
    def value(self) -> str:
        return self._value

    @value.setter
    def value(self, text: str) -> None:
        self._value = text
        if not self.is_mounted:
            return
        head, rest = split(text)
        letters = self.query_one(".big-letters", Static)
        letters.update(letters_block(head))
        letters.display = bool(head)
        self.query_one(Digits).update(rest)
