"""Message lookup. Catalogs live in data/locales/<lang>.toml; Simplified Chinese is the default.

Keys are dotted paths (`login.title`). Services raise errors carrying a key and parameters;
only the UI and the CLI turn them into text with `t()`.
"""

from __future__ import annotations

from functools import cache
from string import Formatter

from wealthtui.resources import data_file, read_toml

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

_current = DEFAULT_LANGUAGE
#: keys that were asked for but are in no catalog (tests assert this stays empty)
MISSING: set[str] = set()


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; accepted: {', '.join(LANGUAGES)}")
    return _flatten(read_toml(data_file("locales", f"{lang}.toml")))


@cache
def singulars(lang: str) -> dict[str, str]:
    """The language's singular forms by message key (data/locales/singular/<lang>.toml; none
    for a language with one form)."""
    path = data_file("locales", "singular", f"{lang}.toml")
    return _flatten(read_toml(path)) if path.is_file() else {}


def set_language(lang: str) -> None:
    global _current
    catalog(lang)  # validates
    _current = lang


def language() -> str:
    return _current


def has(key: str) -> bool:
    return key in catalog(_current)


def _count(text: str, params: dict[str, object]) -> int | None:
    """The message's first whole-number parameter, in the order the text names them."""
    for _literal, name, _spec, _conv in Formatter().parse(text):
        value = params.get(name) if name else None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def t(key: str, /, **params: object) -> str:
    """The message for `key` in the current language, formatted with `params`.

    Plurals (issue 19): a language whose words change at one (English) holds the singular
    under the same key in its singulars file (`singulars`), taken when the message's first
    whole-number parameter is 1 ("1 item", "2 items"); a language with one form has none."""
    table = catalog(_current)
    text = table.get(key)
    if text is None:
        MISSING.add(key)
        return key
    if params and (one := singulars(_current).get(key)) is not None and _count(text, params) == 1:
        text = one
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            MISSING.add(f"{key} (bad parameters {sorted(params)})")
            return text
    return text


def tl(zh: str, en: str) -> str:
    """Pick between a configured Chinese and English name (config values, not catalog keys)."""
    return en if _current == "en" else zh


# --- message parameters that stay data until shown -------------------------------------------------
# A service raising an error (or writing a message) cannot know the language of whoever reads it,
# so it passes names as these: `t` words them in the language current when it formats.
class Listed(tuple[str, ...]):
    """Names as a list: 甲、乙 in Chinese, "A, B" in English."""

    def __str__(self) -> str:
        return tl("、", ", ").join(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class StaffRef(tuple[str, str]):
    """A staff member with their number: 王芳（8031） in Chinese, 王芳 (8031) in English."""

    def __new__(cls, name: str, staff_no: str) -> StaffRef:
        return super().__new__(cls, (name, staff_no))

    def __str__(self) -> str:
        name, staff_no = self
        return tl(f"{name}（{staff_no}）", f"{name} ({staff_no})")

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
