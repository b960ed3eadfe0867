"""An anti-fraud stop's hand-off note is stored as codes (rules.stop_note) and worded when shown,
in the reader's language (issue 19: the note was written in the center's language at the stop);
a note written before (text) is shown as it holds. Hypothesis over the codes and typed text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wealthtui import i18n
from wealthtui.config import load_settings
from wealthtui.resources import data_file, read_toml
from wealthtui.rules import stop_note
from wealthtui.rules.antifraud import ANSWERS, Checklist
from wealthtui.ui.labels import stop_note_text

answered = st.builds(stop_note.Answered, st.text(min_size=1, max_size=30),
                     st.sampled_from(ANSWERS), st.booleans())
notes = st.builds(stop_note.StopNote, st.text(max_size=30), st.integers(0, 10 ** 15),
                  st.text(max_size=32), st.lists(answered, max_size=12).map(tuple))


@given(notes)
def test_a_recorded_stop_reads_back(note: stop_note.StopNote) -> None:
    value = stop_note.record(note)
    assert len(value) <= stop_note.MAX_LEN and stop_note.parse(value) == note


@given(st.text(max_size=200))
def test_typed_text_is_never_taken_for_a_stop(text: str) -> None:
    assert stop_note.parse(text) is None


def test_answers_that_do_not_fit_leave_out_the_unsuspicious_ones_last_first() -> None:
    many = tuple(stop_note.Answered(f"question_{i:03d}_{'x' * 40}", "no", i == 3)
                 for i in range(30))
    kept = stop_note.parse(stop_note.record(stop_note.StopNote("transfer", 1, "", many)))
    assert kept is not None and len(kept.answers) < len(many)
    assert many[3] in kept.answers  # the suspicious answer is always kept
    assert kept.answers == tuple(a for a in many if a in kept.answers)  # in their order
    assert kept.answers[:4] == many[:4]  # the first ones kept: the last left out


def test_a_stop_is_worded_in_the_readers_language_old_text_as_it_holds() -> None:
    settings = load_settings()
    checklist = Checklist.parse(read_toml(data_file("compliance", "antifraud.toml")))
    first, second = checklist.questions[:2]
    note = stop_note.StopNote("transfer", 8_000_000, "6222 **** 3445", (
        stop_note.Answered(first.id, "no", False),
        stop_note.Answered(second.id, "unclear", True),
        stop_note.Answered("gone_from_the_file", "yes", False)))
    value = stop_note.record(note)
    zh = stop_note_text(settings, note, checklist)
    assert zh.splitlines() == [
        "反诈提醒中止：转账汇款 80,000.00 元，收款账号 6222 **** 3445",
        f"1. {first.text} 否", f"2. {second.text} 不清楚 ⚠", "3. gone_from_the_file 是"]
    i18n.set_language("en")
    try:
        en = stop_note_text(settings, stop_note.parse(value), checklist)  # type: ignore[arg-type]
    finally:
        i18n.set_language("zh_CN")
    assert en.splitlines() == [
        "Anti-fraud stop: Transfer / remittance 80,000.00, payee 6222 **** 3445",
        f"1. {first.text_en} no", f"2. {second.text_en} unclear ⚠", "3. gone_from_the_file yes"]
    assert stop_note.parse("反诈提醒中止：转账 80,000.00 元\n1. 您是否… 是") is None  # shown as is
