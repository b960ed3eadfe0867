"""Pinyin search keys, so that `zs`, `zhangsan` and `张s` all find 张三."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_LETTERS = re.compile(r"[^a-z]")
_WORDS = re.compile(r"[^a-z]+")


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lowercase letters only: 张三 → ("zhangsan", "zs").

    Latin parts count word by word (Li Lei → "lilei", "ll"); the middle dot and spaces vanish.
    """
    syllables: list[str] = []
    for part in lazy_pinyin(name, errors="default"):
        syllables.extend(w for w in _WORDS.split(part.lower()) if w)
    return "".join(syllables), "".join(s[0] for s in syllables)


def query_key(text: str) -> str:
    """A typed query turned into letters: Chinese characters become their pinyin (张s → zhangs)."""
    return "".join(_LETTERS.sub("", s.lower()) for s in lazy_pinyin(text, errors="default"))


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f" or "\uf900" <= ch <= "\ufaff"
