"""The hooks a base leaves to its subclasses (ui/hooks.py) are checked when a subclass is made:
a counter screen, CM panel or head panel lacking one is refused at import with a sentence that
names it, instead of failing when the method is first called. No app is started."""

from __future__ import annotations

from typing import Any

import pytest

from wealthtui.ui.hooks import missing
from wealthtui.ui.screens.counter_base import CounterBase
from wealthtui.ui.screens.counter_oversee import CounterOverseeScreen
from wealthtui.ui.widgets.cm_panels import AgendaPanel, CMPanel
from wealthtui.ui.widgets.head_panel import HeadPanel
from wealthtui.ui.widgets.head_reports import KpiPanel, ReportPanel

BASES = [(CounterBase, ("load", "show_loaded")), (CMPanel, ("make_table", "fetch", "show")),
         (HeadPanel, ("fetch", "show"))]


@pytest.mark.parametrize(("base", "hooks"), BASES, ids=lambda b: getattr(b, "__name__", ""))
def test_a_subclass_lacking_a_hook_is_refused_when_made(base: type, hooks: tuple[str, ...]) -> None:
    assert base.HOOKS == hooks  # type: ignore[attr-defined]
    assert missing(base) == list(hooks)  # declared with their types, no body in the base
    with pytest.raises(TypeError, match=f"Partial does not define {hooks[-1]}"):
        type("Partial", (base,), {h: lambda self, *a: None for h in hooks[:-1]})
    whole: Any = type("Whole", (base,), {h: lambda self, *a: None for h in hooks})
    assert missing(whole) == []


def test_a_base_for_others_says_so_and_the_real_subclasses_are_whole() -> None:
    class Middle(HeadPanel, abstract=True):
        pass

    assert missing(Middle) == ["fetch", "show"] and missing(ReportPanel) == ["fetch", "show"]
    for cls in (CounterOverseeScreen, AgendaPanel, KpiPanel):
        assert missing(cls) == []
