"""Notice templates as data: `data/notices/<id>.toml`, one file per notice, both languages.

    id = "cm_change"                       # = the file name
    title = "…" / title_en = "…"
    fields = ["client", "successor", …]    # the values the caller must give, no more, no less
    manual = "ch.2 §5.1, p.31"
    body = \"\"\"… ${client} …\"\"\"         # Chinese text; body_en: English

Placeholders are `${name}` (string.Template); `${center}`, `${center_phone}` and `${today}` are
always given by the service. A value is inserted once, as plain text: `$`, `{`, `[red]` in a
client's name stay literal, nothing is evaluated, and control characters (ESC and the rest of
C0/C1 except the line break) are removed, so a value cannot carry printer commands or terminal
escapes into a ticket, a PDF or a message.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from string import Template

from wealthtui.resources import data_file

#: given by the service to every template
BUILTINS = ("center", "center_phone", "today")
_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


class TemplateError(ValueError):
    """A template file is wrong, or values do not fit it; the message says which and what."""


def plain(value: object, max_len: int = 2000) -> str:
    """A value as plain text for a notice: NFC, no control characters but the line break,
    line breaks normalised, at most `max_len` characters."""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()[:max_len]


@dataclass(frozen=True)
class Rendered:
    """A notice rendered in one language: its title and its plain-text body."""

    template: str
    language: str
    title: str
    body: str


@dataclass(frozen=True)
class NoticeTemplate:
    id: str
    title: str
    title_en: str
    fields: tuple[str, ...]
    manual: str
    body: str
    body_en: str

    def render(self, values: dict[str, object], language: str = "zh_CN") -> Rendered:
        """The notice with `values` (every field, plus the builtins) inserted as plain text."""
        given = set(values)
        missing = [f for f in (*self.fields, *BUILTINS) if f not in given]
        unknown = sorted(given - set(self.fields) - set(BUILTINS))
        if missing or unknown:
            raise TemplateError(f"notice {self.id}: missing {', '.join(missing) or '-'}; "
                                f"unknown {', '.join(unknown) or '-'}")
        clean = {k: plain(v) for k, v in values.items()}
        en = language == "en"
        body = Template(self.body_en if en else self.body).substitute(clean)
        return Rendered(self.id, "en" if en else "zh_CN", self.title_en if en else self.title,
                        body.strip("\n") + "\n")


def _check(path: Path, raw: dict[str, object]) -> NoticeTemplate:
    def text(key: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise TemplateError(f"{path}: {key} must be a non-empty string")
        return value

    known = {"id", "title", "title_en", "fields", "manual", "body", "body_en"}
    if extra := sorted(set(raw) - known):
        raise TemplateError(f"{path}: unknown keys {', '.join(extra)}")
    ident = text("id")
    if ident != path.stem or not _IDENT.match(ident):
        raise TemplateError(f"{path}: id must be the file name ({path.stem})")
    fields = raw.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) and _IDENT.match(f)
                                               for f in fields):
        raise TemplateError(f"{path}: fields must be a list of names (a-z, 0-9, _)")
    if set(fields) & set(BUILTINS) or len(set(fields)) != len(fields):
        raise TemplateError(f"{path}: fields repeat a name or a builtin ({', '.join(BUILTINS)})")
    tpl = NoticeTemplate(ident, text("title"), text("title_en"), tuple(fields), text("manual"),
                         text("body"), text("body_en"))
    allowed = set(fields) | set(BUILTINS)
    for key in ("body", "body_en"):
        template = Template(getattr(tpl, key))
        if not template.is_valid():
            raise TemplateError(f"{path}: {key} has a bad placeholder ($$ writes a $)")
        if stray := sorted(set(template.get_identifiers()) - allowed):
            raise TemplateError(f"{path}: {key} uses unknown fields {', '.join(stray)}")
    return tpl


def load_dir(directory: Path | None = None) -> dict[str, NoticeTemplate]:
    """Every `*.toml` of `directory` (default: the shipped data/notices), checked."""
    folder = Path(directory) if directory is not None else data_file("notices")
    if not folder.is_dir():
        raise TemplateError(f"{folder}: is not a folder of notice templates")
    out: dict[str, NoticeTemplate] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise TemplateError(f"{path}: {exc}") from exc
        tpl = _check(path, raw)
        out[tpl.id] = tpl
    return out


def cells(text: str) -> int:
    """Width in terminal / printer cells: wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_TOKEN = re.compile(r"[\x21-\x7e]+|\s|.")  # a run of printable ASCII (a word), or one character


def wrap_cells(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells (CJK count 2): English breaks between words, Chinese
    between any two characters; a word longer than a line is cut."""
    out: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0
        for tok in _TOKEN.findall(para):
            pieces = [tok] if cells(tok) <= width else list(tok)
            for piece in pieces:
                w = cells(piece)
                if used + w > width and line:
                    out.append(line.rstrip())
                    line, used = "", 0
                if piece.isspace() and not line:
                    continue
                line, used = line + piece, used + w
        out.append(line.rstrip())
    return out


def receipt_text(rendered: Rendered, width: int = 32) -> str:
    """The notice as print-ready text for a receipt printer `width` cells wide."""
    title = rendered.title
    pad = max(0, (width - cells(title)) // 2)
    lines = [" " * pad + title, "-" * width, *wrap_cells(rendered.body.rstrip("\n"), width)]
    return "\n".join(lines) + "\n"
