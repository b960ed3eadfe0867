"""What a keyboard-wedge reader types, as the look-up decides it (rules.scans, issue 18), and the
appointment reminders on the agenda (rules.agenda.appointment_items): hypothesis over numbers."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from wealthtui.rules import agenda, scans

ids = st.integers(min_value=1, max_value=10 ** scans.REFERENCE_DIGITS - 1)


@given(ids)
def test_a_reference_reads_back_as_its_appointment_and_is_nothing_else(appointment_id: int) -> None:
    ref = scans.reference(appointment_id)
    assert len(ref) == 11 and ref.isdigit() and ref.startswith("99")
    assert scans.parse_reference(ref) == appointment_id
    assert scans.parse_reference(f" {ref} ") == appointment_id
    assert scans.scan_kind(ref) == "appointment"


@given(ids, st.integers(min_value=2, max_value=10), st.integers(min_value=1, max_value=9))
def test_one_mistyped_digit_is_no_reference(appointment_id: int, at: int, plus: int) -> None:
    ref = scans.reference(appointment_id)
    wrong = ref[:at] + str((int(ref[at]) + plus) % 10) + ref[at + 1:]
    assert scans.parse_reference(wrong) is None  # the Luhn digit catches every single error


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_mobile_number_is_never_a_scan(mobile: str) -> None:
    assert scans.scan_kind(mobile) == ""


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31)),
       st.integers(min_value=0, max_value=999))
def test_a_valid_resident_id_is_an_id_scan_and_a_wrong_check_digit_is_not(
        birth: date, seq: int) -> None:
    body = f"110105{birth:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    assert scans.scan_kind(number) == "id"
    wrong = body + next(d for d in "0123456789X" if d != number[-1])
    assert scans.scan_kind(wrong) != "id"  # (18 digits may still be a valid card number)
    assert scans.scan_kind(number[:-1]) != "id"  # still typing: not a complete ID


@given(st.from_regex(r"62[0-9]{13,16}", fullmatch=True))
def test_a_luhn_valid_card_number_is_a_card_scan(body: str) -> None:
    number = body + luhn.calc_check_digit(body)
    assert scans.scan_kind(number) in ("card", "id")  # 18 digits may also read as an ID
    if len(number) != 18:
        assert scans.scan_kind(number) == "card"
    assert scans.scan_kind(number[:-1] + str((int(number[-1]) + 1) % 10)) in ("", "id")


TODAY = date(2026, 11, 30)


@given(st.lists(st.tuples(st.integers(min_value=-3, max_value=10),
                          st.sampled_from(("booked", "checked_in", "no_show", "done"))),
                max_size=12),
       st.sampled_from((1, 7)))
def test_appointments_show_from_the_day_before_and_are_done_once_not_booked(
        booked: list[tuple[int, str]], days: int) -> None:
    items = agenda.appointment_items(
        (agenda.Booked(i + 1, i + 1, f"客户{i}", "ordinary", TODAY + timedelta(days=ahead),
                       "10:00", "理财咨询", "Wealth", status)
         for i, (ahead, status) in enumerate(booked)),
        TODAY, TODAY + timedelta(days=days - 1))
    shown = {i.ref for i in items}
    for i, (ahead, _status) in enumerate(booked):
        assert (i + 1 in shown) == (0 <= ahead <= days)  # today's and tomorrow's on day one
    for item in items:
        ahead, status = booked[item.ref - 1]  # type: ignore[operator]
        assert item.kind == agenda.APPOINTMENT and item.done == (status != "booked")
        assert item.start == item.due - timedelta(days=1) and not item.overdue(TODAY)


# --- the look-up's pace: a person's keys, a reader's burst (LookupPacer) ----------------------
def test_the_shortest_number_looked_up_is_a_mobiles_tail() -> None:
    from wealthtui.model.client import PHONE_TAIL_DIGITS

    assert scans.SHORTEST_NUMBER == PHONE_TAIL_DIGITS
    assert scans.finds_nothing("") and scans.finds_nothing(" 123 ")
    assert not scans.finds_nothing("1234") and not scans.finds_nothing("张")


class Desk:
    """The lobby's look-up around a pacer: what was asked, the one look-up running."""

    def __init__(self) -> None:
        self.pacer = scans.LookupPacer()
        self.asked: list[str] = []
        self.running: str | None = None

    def ask(self, text: str | None) -> None:
        if text is not None:
            self.asked.append(text)
            self.running = text  # a newer request supersedes the one running

    def key(self, text: str) -> None:
        self.ask(self.pacer.typed(text))

    def answer(self) -> None:
        if self.running is not None:
            text, self.running = self.running, None
            self.ask(self.pacer.answered(text))

    def enter(self, text: str) -> None:
        self.ask(self.pacer.submitted(text))

    def idle(self) -> None:
        while self.running is not None:
            self.answer()


typed_text = st.text(alphabet="0123456789Xzhangs张李 ", min_size=1, max_size=20)


@given(typed_text)
def test_a_person_typing_looks_up_every_text_worth_asking(text: str) -> None:
    desk = Desk()
    for end in range(1, len(text) + 1):
        desk.key(text[:end])
        desk.answer()  # a person's next key comes after the answer
    assert desk.asked == [text[:end] for end in range(1, len(text) + 1)
                          if not scans.finds_nothing(text[:end])]


@given(st.from_regex(r"[0-9]{11,19}X?", fullmatch=True), st.booleans())
def test_a_readers_burst_costs_a_look_up_per_answer_not_per_key(number: str,
                                                                   enter_first: bool) -> None:
    desk = Desk()
    for end in range(1, len(number) + 1):  # every key before the first look-up answers
        desk.key(number[:end])
    first = list(desk.asked)
    assert first == [number[:scans.SHORTEST_NUMBER]]  # the first text worth asking
    if enter_first:               # a reader: its Enter before the store answered
        desk.enter(number)
        desk.idle()
    else:                         # a mobile typed fast or pasted: no Enter, the answer comes
        desk.answer()
        desk.idle()
        desk.enter(number)        # an Enter afterwards asks nothing more
    assert desk.asked == [*first, number]


def test_a_number_typed_while_a_look_up_runs_is_looked_up_once_when_it_answers() -> None:
    desk = Desk()
    desk.key("13800")
    desk.key("138001")   # a person's next digit before the slow store answered
    assert desk.asked == ["13800"]
    desk.answer()
    assert desk.asked == ["13800", "138001"]  # looked up when the running one answers
    desk.key("138001zs")
    desk.key("138001zsf")  # letters: looked up at once, the newest request wins
    assert desk.asked[-2:] == ["138001zs", "138001zsf"]


@given(st.lists(st.tuples(typed_text, st.booleans()), min_size=1, max_size=12),
       st.booleans())
def test_the_last_text_is_always_looked_up_and_one_look_up_runs_at_a_time(
        steps: list[tuple[str, bool]], enter: bool) -> None:
    desk = Desk()
    for text, answered in steps:
        desk.key(text)
        if answered:
            desk.answer()
        assert desk.pacer.asking == desk.running  # the newest look-up is the one it waits for
    last = steps[-1][0]
    if enter:
        desk.enter(last)
    desk.idle()
    assert scans.finds_nothing(last) or desk.asked[-1] == last  # never held for an Enter
    assert len(desk.asked) <= len(steps) + 1
