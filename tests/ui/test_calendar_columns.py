"""The calendar's columns sized to the terminal (issue 18, ui.widgets.calendar.column_widths):
hypothesis over the cells each column needs and the table's width."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wealthtui.ui.widgets.calendar import FLEXIBLE, column_widths

needs = st.fixed_dictionaries({
    "day": st.just(10), "time": st.just(5), "client": st.integers(2, 40),
    "purpose": st.integers(2, 60), "staff": st.integers(2, 30), "state": st.integers(4, 20)})


@given(needs, st.integers(60, 250))
def test_the_columns_fill_at_most_the_width_and_only_names_and_purpose_are_cut(
        need: dict[str, int], width: int) -> None:
    got = column_widths(need, width)
    assert list(got) == list(need)
    for key, cells in got.items():
        if key in FLEXIBLE:
            assert min(need[key], FLEXIBLE[key]) <= cells <= need[key]
        else:
            assert cells == need[key]  # the day, time and state are never cut
    least = sum(min(n, FLEXIBLE.get(k, n)) for k, n in need.items()) + 2 * len(need)
    if least <= width:
        assert sum(got.values()) + 2 * len(need) <= width
    if sum(need.values()) + 2 * len(need) <= width:
        assert got == need  # everything whole when it fits


def test_a_long_purpose_is_whole_at_120_columns_and_cut_at_80() -> None:
    need = {"day": 10, "time": 5, "client": 11, "purpose": 34, "staff": 6, "state": 8}
    assert column_widths(need, 116)["purpose"] == 34
    narrow = column_widths(need, 76)
    assert narrow["purpose"] < 34 and sum(narrow.values()) + 12 <= 76
