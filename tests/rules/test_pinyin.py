from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules.pinyin import name_keys, query_key


def test_full_pinyin_and_initials() -> None:
    assert name_keys("张三") == ("zhangsan", "zs")
    assert name_keys("欧阳娜娜") == ("ouyangnana", "oynn")
    assert name_keys("买买提·艾力") == ("maimaitiaili", "mmtal")
    assert name_keys("Li Lei") == ("lilei", "ll")


def test_queries_mix_characters_and_letters() -> None:
    assert query_key("张s") == "zhangs"
    assert query_key("ZS") == "zs"
    assert "zhangsan".startswith(query_key("张s"))


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=4))
def test_initials_are_the_first_letters_of_the_full_key(name: str) -> None:
    full, initials = name_keys(name)
    assert full.isascii() and initials.isascii()
    assert len(initials) <= len(name)  # a character without a reading adds nothing
    assert full.startswith(initials[:1])


def test_surnames_read_as_surnames() -> None:
    assert name_keys("曾国藩") == ("zengguofan", "zgf")
    assert name_keys("单雄信") == ("shanxiongxin", "sxx")
    assert name_keys("尉迟恭") == ("yuchigong", "ycg")
    assert name_keys("国曾")[0] == "guoceng"  # only the surname position
    assert "zengguofan".startswith(query_key("曾g"))
