"""The head's explanations at close name what they explain (issue 19): the routine's name, the
day's flow log, the hand-off — in the language of the summary, on screen and in the XLSX — and
never the close's own key (`checklist:head_morning_meeting`, `flow_log:flow_log`)."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from tests.reports.seed import EVENING, D, Seed, at
from wealthtui import i18n
from wealthtui.config import Settings
from wealthtui.model import BusinessDay
from wealthtui.procedures import Catalog
from wealthtui.reports import eod, export
from wealthtui.reports.render import to_xlsx

EXPLAINED = {"checklist:head_morning_meeting": "全员外出培训", "flow_log:flow_log": "系统故障",
             "handoff:7": "客户改约"}


@pytest.fixture
def doc(session: Session, settings: Settings, seeded: Seed, catalog: Catalog) -> dict:
    session.add(BusinessDay(business_date=D, status="closed", opened_at=at(D, "08:00"),
                            closed_at=at(D, "18:30"), closed_by=seeded.staff["head"],
                            close_note=json.dumps(EXPLAINED, ensure_ascii=False)))
    session.commit()
    return export.day_dict(settings, eod.day_report(session, settings, D, now=EVENING,
                                                    catalog=catalog))


def _explained(doc: dict) -> list[tuple[str, str]]:
    section = next(s for s in export.day_sections(doc) if s.key == "explained")
    return [(str(item), str(reason)) for item, reason in section.rows]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_explanations_name_the_routine_the_flow_log_and_the_handoff(
        doc: dict, catalog: Catalog, lang: str) -> None:
    i18n.set_language(lang)
    title = catalog.get("head_morning_meeting")
    assert title is not None
    name = title.title if lang == "zh_CN" else title.title_en
    rows = dict(_explained(doc))
    assert rows == {
        i18n.t("screens19.explained_checklist", title=name): "全员外出培训",
        i18n.t("screens19.explained_flow_log"): "系统故障",
        i18n.t("screens19.explained_handoff", id="7"): "客户改约",
    }
    # the workbook the head exports carries the same words, and no key
    out = io.BytesIO()
    to_xlsx(export.day_sections(doc), out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None}
    assert i18n.t("screens19.explained_checklist", title=name) in cells
    assert not {k for k in EXPLAINED if any(k in c for c in cells)}
    # the JSON keeps the keys (what the close recorded) and the routine's names beside them
    assert doc["exceptions"]["explained"] == EXPLAINED
    assert doc["exceptions"]["explained_titles"] == {
        "checklist:head_morning_meeting": [title.title, title.title_en]}
