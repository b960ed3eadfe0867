"""The head's charts' y axis (issue 19: an empty chart wrote -1.00 … 1.00 beside visit counts)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wealthtui.ui.widgets.head_charts import y_ticks


def test_an_empty_chart_starts_at_zero_with_whole_numbers() -> None:
    assert y_ticks([]) == [0, 1]
    assert y_ticks([("今天", [0, 0, 0]), ("同日平均", [0.0, 0.0])]) == [0, 1]


@given(st.lists(st.tuples(st.just("s"), st.lists(st.floats(0, 10_000), max_size=12)), max_size=3))
def test_the_ticks_start_at_zero_cover_every_value_and_are_few(series) -> None:
    ticks = y_ticks(series)
    assert ticks[0] == 0 and all(isinstance(v, int) for v in ticks)
    assert ticks == sorted(set(ticks)) and len(ticks) <= 6
    assert all(v <= ticks[-1] for _n, values in series for v in values)
