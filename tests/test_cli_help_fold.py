"""Every command's help fits 80 columns in both languages (issue 19): Chinese help folds by cells
instead of being cut with … (cli/help_fold.py), and every option's and sub-command's help text is
shown whole. One interpreter per language renders every page in-process (tests/help_pages.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from wealthtui.rules.linebreak import CLOSING, OPENING, break_offsets

ROOT = Path(__file__).resolve().parent.parent
#: what is not text in a help page: the panels' borders and the spaces of the table's columns
FRAME = re.compile(r"[\s│╭╮╰╯─]+")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_help_page_fits_80_columns_uncut(lang: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEALTHTUI_")}
    env.update({"WEALTHTUI_CONFIG": str(tmp_path / "cfg.toml"), "COLUMNS": "80",
                "WEALTHTUI_DATA_DIR": str(tmp_path / "data"), "WEALTHTUI_LANG": lang})
    env.pop("TERMINAL_WIDTH", None)
    done = subprocess.run([sys.executable, "-m", "tests.help_pages"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    pages = json.loads(done.stdout)
    assert len(pages) > 30  # every command and group, the root included
    for page in pages:
        where = " ".join(["wealthtui", *page["words"], "--help"])
        assert page["code"] == 0, where
        lines = page["output"].splitlines()
        assert max(cell_len(line) for line in lines) <= 80, where
        flat = FRAME.sub("", page["output"])
        for text in page["texts"]:  # each help text whole: folded, never cut
            assert FRAME.sub("", text) in flat, (where, text)
            flat = flat.replace(FRAME.sub("", text), "")
        assert "…" not in flat, where  # nothing else cut either


def lines_of(text: str, width: int) -> list[str]:
    return [text[a:b] for a, b in pairwise([0, *break_offsets(text, width), len(text)])]


WORDS = st.text(st.sampled_from(list("理财中心前台工作台。，、（）「」 abcXYZ-:0123")), max_size=80)


@given(WORDS, st.integers(min_value=2, max_value=40))
def test_lines_fit_keep_every_character_and_keep_punctuation_in_place(text: str,
                                                                      width: int) -> None:
    offsets = break_offsets(text, width)
    assert offsets == sorted(set(offsets)) and all(0 < o < len(text) for o in offsets)
    lines = lines_of(text, width)
    assert "".join(lines) == text
    for line in lines:
        assert cell_len(line.rstrip()) <= width
        assert not line[:1].isspace() or line is lines[0]
    for before, after in pairwise(lines):
        # a break is where punctuation allows it, or inside a piece wider than the line
        # (the spaces between them count: kept together they would be one line)
        piece_too_wide = cell_len(before) + cell_len(after[:1]) > width
        if after[0] in CLOSING or before.rstrip()[-1:] in OPENING:
            assert piece_too_wide


def test_a_chinese_sentence_breaks_between_characters_never_before_a_stop() -> None:
    text = "重建：删除现有的演示数据库后重新生成（正式中心不会被删除）。"
    assert lines_of(text, 34) == ["重建：删除现有的演示数据库后重新生", "成（正式中心不会被删除）。"]
    assert break_offsets("以 JSON 列表输出", 6) == [2, 7, 10]  # 以 · JSON · 列表输 · 出
    assert break_offsets("我们（工号）。", 8) == [4]  # 我们（工 · 号）。: no lone 。
