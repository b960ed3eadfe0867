"""The app's paragraphs break lines by the one rule the CLI uses (rules/linebreak.py; issue 19):
between CJK characters as well as at spaces, closing punctuation never at a line's start, a
number kept with the word it counts, every character kept, no line wider than its room. Checked
on the Visual a `Paragraph` draws and on F1's Rich tables, without an app."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from wealthtui.i18n import t
from wealthtui.rules.linebreak import CLOSING, OPENING
from wealthtui.services.complaints import ComplaintStats
from wealthtui.ui.screens.help import HelpScreen
from wealthtui.ui.text import flow
from wealthtui.ui.widgets.complaint_queue import stats_text

WORDS = st.text(st.sampled_from(list("理财中心前台工作台。，、（）「」 abcXYZ-:0123\n")), max_size=120)


def lines(text: object, width: int) -> list[str]:
    return flow(text).lines(width).plain.split("\n")


@given(WORDS, st.integers(min_value=2, max_value=40))
def test_a_paragraph_keeps_every_character_and_fits_its_width(text: str, width: int) -> None:
    out = lines(text, width)
    assert len(out) >= text.count("\n") + 1
    assert "".join(out).replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert all(cell_len(line) <= width for line in out)


@given(WORDS.map(lambda s: s.replace(" ", "").replace("\n", "")),
       st.integers(min_value=2, max_value=40))
def test_punctuation_stays_with_its_word_unless_the_piece_is_wider_than_the_line(
        text: str, width: int) -> None:
    out = lines(text, width)
    for before, after in zip(out, out[1:], strict=False):
        if after[:1] in CLOSING or before[-1:] in OPENING:
            assert cell_len(before) + cell_len(after[:1]) > width, (before, after)


def test_the_zones_paragraph_at_80_columns_has_no_lone_punctuation() -> None:
    # F1's sections column at 80×24: the dialog's 72 cells less its padding
    for width in range(20, 73):
        for line in lines(t("lobby.help.zones"), width)[1:]:
            assert line[:1] not in CLOSING, (width, line)


def test_f1_tables_break_by_the_same_rule() -> None:
    screen = HelpScreen(title="x", keys=[], sections=(("ch.2 §1.3", "lobby.help.zones"),))
    console = Console(width=40, record=True, color_system=None, legacy_windows=False)
    console.print(screen.sections_table())
    text = console.export_text()
    body = [line.rstrip() for line in text.splitlines()[2:] if line.strip()]
    assert all(line[:1] not in CLOSING for line in body), body
    assert "".join(body[:-1]).replace(" ", "") == t("lobby.help.zones").replace(" ", "")


def test_the_complaint_statistics_keep_each_number_with_its_words(settings) -> None:
    s = ComplaintStats(start=date(2026, 11, 8), end=date(2026, 12, 7), received=3, repeats=0,
                       by_category={"fees": 2, "waiting": 1}, by_subcategory={},
                       by_channel={"on_site": 2, "letter": 1}, by_staff=(), first_contact=1,
                       first_contact_pct=33.3, withdrawn=0, escalated=0, closed=1,
                       avg_close_days=2.0, max_close_days=2, decided=1, decided_timely=1,
                       compensation_fen=0, open_now=2, overdue_now=0, warning_now=0)
    text = stats_text(settings, s)
    for width in range(30, 80):
        for line in lines(text, width)[1:]:
            assert line[:1] not in CLOSING, (width, line)
            assert not line[:1].isdigit(), (width, line)  # 结案 1，… never split from 结案
