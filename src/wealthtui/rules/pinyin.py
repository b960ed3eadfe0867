"""Pinyin search keys, so that `zs`, `zhangsan` and `张s` all find 张三.

pypinyin loads its dictionaries when imported (a large share of the program's start-up), so it is
imported at the first name that needs converting, not with this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_LETTERS = re.compile(r"[^a-z]")
_WORDS = re.compile(r"[^a-z]+")


def _lazy_pinyin() -> Callable[..., list[str]]:
    from pypinyin import lazy_pinyin

    return lazy_pinyin


# Characters read differently as a surname than in ordinary words (pypinyin gives the word
# reading): 曾国藩 is zeng, not ceng. Only applied to the first character(s) of a name.
SURNAMES: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",), "单": ("shan",), "仇": ("qiu",), "解": ("xie",), "区": ("ou",),
    "查": ("zha",), "朴": ("piao",), "盖": ("ge",), "乐": ("yue",), "缪": ("miao",),
    "种": ("chong",), "覃": ("qin",), "翟": ("zhai",), "秘": ("bi",), "员": ("yun",),
    "句": ("gou",), "谌": ("chen",), "隗": ("wei",), "繁": ("po",), "召": ("shao",),
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"), "令狐": ("ling", "hu"),
    "澹台": ("tan", "tai"), "宓": ("fu",), "冼": ("xian",), "纪": ("ji",), "莘": ("shen",),
}


def _surname(name: str) -> tuple[tuple[str, ...], str]:
    for length in (2, 1):
        if name[:length] in SURNAMES:
            return SURNAMES[name[:length]], name[length:]
    return (), name


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lowercase letters only: 张三 → ("zhangsan", "zs").

    Latin parts count word by word (Li Lei → "lilei", "ll"); the middle dot and spaces vanish.
    """
    surname, rest = _surname(name.strip())
    syllables: list[str] = list(surname)
    for part in _lazy_pinyin()(rest, errors="default"):
        syllables.extend(w for w in _WORDS.split(part.lower()) if w)
    return "".join(syllables), "".join(s[0] for s in syllables)


def query_key(text: str) -> str:
    """A typed query turned into letters: Chinese characters become their pinyin (张s → zhangs);
    a leading surname reads as a surname (曾g → zengg)."""
    surname, rest = _surname(text.strip())
    parts = list(surname) + _lazy_pinyin()(rest, errors="default")
    return "".join(_LETTERS.sub("", s.lower()) for s in parts)


