"""Reports as plain data: the JSON document of each report, and its sections (tables) from which
the CSV, XLSX and Rich renderers write. The sections are built from the JSON document itself, so
the three exports cannot disagree about a figure.

A cell carries its raw value and a column kind that the renderers format:
`text`, `int`, `seconds` (integer seconds), `fen` (integer fen: yuan in exports), `bool`,
`number` (a figure with one decimal), `date`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from wealthtui.config import Settings
from wealthtui.i18n import t, tl
from wealthtui.reports import chain_head, compliance, figures
from wealthtui.reports.eod import DayReport, MonthReport
from wealthtui.reports.flow_log import CategoryFlow, FlowLog

if TYPE_CHECKING:  # the KPI report reads the models (reports.kpi); `wealthtui eod` does not
    from wealthtui.reports.kpi import KpiReport

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = "text"

    @property
    def title(self) -> str:
        return t(f"report.col.{self.key}")


@dataclass(frozen=True)
class Section:
    key: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title_params: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        return t(f"report.section.{self.key}", **dict(self.title_params))


def _seconds(value: float | None) -> int | None:
    return round(value) if value is not None else None


def _iso(value: date | datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """ISO 8601; datetimes in the center's time zone (with the offset) when `tz` is given."""
    if value is None:
        return None
    if isinstance(value, datetime) and tz is not None:
        return value.astimezone(tz).isoformat(timespec="seconds")
    return value.isoformat()


def _clock(iso: str | None) -> str:
    """`MM-DD HH:MM` of an ISO datetime of the document (already in the center's zone)."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%m-%d %H:%M")


# --- JSON documents -------------------------------------------------------------------------
def category_dict(settings: Settings, c: CategoryFlow) -> dict[str, Any]:
    cfg = settings.category(c.category)
    return {
        "category": c.category,
        "name": tl(cfg.name, cfg.name_en) if cfg else c.category,
        "issued": c.issued,
        "served": c.served,
        "no_show": c.no_show,
        "cancelled": c.cancelled,
        "still_open": c.still_open,
        "avg_wait_s": _seconds(c.avg_wait_s),
        "max_wait_s": _seconds(c.max_wait_s),
        "avg_service_s": _seconds(c.avg_service_s),
    }


def flow_log_dict(flow: FlowLog, tz: ZoneInfo | None = None) -> dict[str, Any]:
    return {
        "premium_received_by_cm": [
            {"staff_no": c.staff_no, "name": c.name, "count": c.count}
            for c in flow.premium_received_by_cm
        ],
        "premium_identified": {
            "lobby": flow.premium_identified.lobby,
            "cash_counter": flow.premium_identified.cash_counter,
            "non_cash_counter": flow.premium_identified.non_cash_counter,
        },
        "complaints_received": flow.complaints_received,
        "visitors": flow.visitors,
        "diverted_to_self_service": flow.diverted,
        "confirmed_by": flow.confirmed_by,
        "confirmed_at": _iso(flow.confirmed_at, tz),
    }


def _common(settings: Settings, flow: FlowLog) -> dict[str, Any]:
    return {
        "flow_log": flow_log_dict(flow, ZoneInfo(settings.center.timezone)),
        "tickets": [category_dict(settings, c) for c in flow.tickets],
        "referrals": {"made": flow.referrals.made, "accepted": flow.referrals.accepted,
                      "converted": flow.referrals.converted,
                      "by_source": _leads_by_source(flow)},
    }


def _leads_by_source(flow: FlowLog) -> dict[str, dict[str, int]]:
    """Leads made / accepted / converted per source (reports.figures.leads)."""
    leads = flow.leads
    if leads is None:
        return {}
    return {source: {"made": leads.made.get(source), "accepted": leads.accepted.get(source),
                     "converted": leads.converted.get(source)}
            for source in figures.SOURCES}


def flow_dict(settings: Settings, flow: FlowLog) -> dict[str, Any]:
    """The flow log of a day (or a period) on its own."""
    return {"first": flow.first.isoformat(), "last": flow.last.isoformat(),
            **_common(settings, flow)}


def day_dict(settings: Settings, r: DayReport) -> dict[str, Any]:
    a = r.authorisations
    tz = ZoneInfo(settings.center.timezone)
    return {
        "date": r.date.isoformat(),
        "closed": r.closed,
        "closed_by": r.closed_by,
        "closed_at": _iso(r.closed_at, tz),
        **_common(settings, r.flow_log),
        "tellers": [
            {"staff_no": x.staff_no, "name": x.name, "status": x.status,
             "expected_cash_fen": x.expected_cash_fen, "counted_cash_fen": x.counted_cash_fen,
             "difference_fen": x.difference_fen, "matches": x.matches, "balanced": x.balanced,
             "signed_off_by": x.signed_off_by or None}
            for x in r.tellers
        ],
        "authorisations": {"requested": a.requested, "approved": a.approved,
                           "rejected": a.rejected, "pending": a.pending,
                           "cancelled": a.cancelled},
        "handoffs_open": {
            "open": len(r.handoffs_open),
            "overdue": r.handoffs_overdue,
            "items": [
                {"id": h.id, "kind": h.kind, "from": h.from_name,
                 "to": h.to_name, "to_role": h.to_role or None, "created_at": _iso(h.created_at, tz),
                 "due_at": _iso(h.due_at, tz), "overdue": h.overdue}
                for h in r.handoffs_open
            ],
        },
        "complaints": {"received": r.complaints.received, "closed": r.complaints.closed,
                       "overdue": r.complaints.overdue},
        "checklists": {"done": r.checklists.done, "missed": r.checklists.missed,
                       "missed_ids": list(r.checklists.missed_ids)},
        "exceptions": {
            "entitled_without_cm": r.exceptions.entitled_without_cm,
            "cm_change_overdue": r.exceptions.cm_change_overdue,
            "cm_over_range": r.exceptions.cm_over_range,
            "cm_under_range": r.exceptions.cm_under_range,
            "explained": dict(r.exceptions.explained),
            "explained_titles": {k: list(v) for k, v in r.exceptions.titles.items()},
        },
        **chain_head.doc(r.audit_head),
        **_compliance(r.compliance),
    }


def month_dict(settings: Settings, r: MonthReport) -> dict[str, Any]:
    a = r.authorisations
    return {
        "month": r.month,
        "first": r.first.isoformat(),
        "last": r.last.isoformat(),
        "days_open": len(r.days),
        "days_closed": r.days_closed,
        **_common(settings, r.flow_log),
        "tellers": [
            {"staff_no": x.staff_no, "name": x.name, "days": x.days,
             "signed_off_days": x.signed_off_days, "balanced_days": x.balanced_days,
             "difference_fen": x.difference_fen}
            for x in r.tellers
        ],
        "authorisations": {"requested": a.requested, "approved": a.approved,
                           "rejected": a.rejected, "pending": a.pending,
                           "cancelled": a.cancelled},
        "complaints": {"received": r.complaints.received, "closed": r.complaints.closed,
                       "overdue": r.complaints.overdue},
        "checklists": {"done": r.checklists.done, "missed": r.checklists.missed},
        **_compliance(r.compliance),
        "days": [
            {"date": d.date.isoformat(), "closed": d.closed, "visitors": d.visitors,
             "tickets": d.tickets, "served": d.served, "avg_wait_s": _seconds(d.avg_wait_s),
             "premium_received": d.premium_received,
             "premium_identified": d.premium_identified, "complaints": d.complaints,
             "referrals": d.referrals, "tellers": d.tellers,
             "tellers_signed_off": d.tellers_signed_off}
            for d in r.days
        ],
        **chain_head.doc(r.audit_head),
    }


def kpi_dict(r: KpiReport, tz: ZoneInfo | None = None) -> dict[str, Any]:
    return {
        "month": r.month,
        "center": [
            {"code": i.code, "value": None if i.value is None else round(i.value, 2),
             "unit": i.unit, "target": i.target, "better": i.better, "status": i.status,
             "source": i.source, "detail": i.detail, "entered_by": i.entered_by or None,
             "entered_at": _iso(i.entered_at, tz)}
            for i in r.center
        ],
        "staff": [
            {"staff_no": s.staff_no, "name": s.name, "group": s.group,
             "values": {k: (None if v is None else round(v, 2)) for k, v in s.values}}
            for s in r.staff
        ],
    }


# --- sections (built from the documents) ----------------------------------------------------
def _summary(items: list[tuple[str, Cell, str]]) -> Section:
    """Key / item / value rows; `kind` of each value goes in the key's suffix-free column."""
    cols = (Column("key"), Column("item"), Column("value", "mixed"))
    return Section("summary", cols, tuple((k, _item_title(k), v) for k, v, _ in items))


#: the by-source lines of the flow log (their titles are in the catalogs' [figures.item])
BY_SOURCE_ITEMS = frozenset(f"{what}_{source}" for what in ("leads", "converted")
                            for source in figures.SOURCES)


def _item_title(key: str) -> str:
    return t(f"figures.item.{key}") if key in BY_SOURCE_ITEMS else t(f"report.item.{key}")


def _ticket_section(doc: dict[str, Any]) -> Section:
    cols = (Column("category"), Column("name"), Column("issued", "int"), Column("served", "int"),
            Column("no_show", "int"), Column("cancelled", "int"), Column("still_open", "int"),
            Column("avg_wait", "seconds"), Column("max_wait", "seconds"),
            Column("avg_service", "seconds"))
    rows = tuple((c["category"], c["name"], c["issued"], c["served"], c["no_show"],
                  c["cancelled"], c["still_open"], c["avg_wait_s"], c["max_wait_s"],
                  c["avg_service_s"]) for c in doc["tickets"])
    return Section("tickets", cols, rows)


def _cm_section(doc: dict[str, Any]) -> Section:
    cols = (Column("staff_no"), Column("name"), Column("count", "int"))
    return Section("premium_by_cm", cols, tuple(
        (c["staff_no"], c["name"], c["count"]) for c in doc["flow_log"]["premium_received_by_cm"]))


def _flow_items(doc: dict[str, Any]) -> list[tuple[str, Cell, str]]:
    f, p, ref = doc["flow_log"], doc["flow_log"]["premium_identified"], doc["referrals"]
    return [
        ("visitors", f["visitors"], "int"),
        ("diverted", f["diverted_to_self_service"], "int"),
        ("premium_received", sum(c["count"] for c in f["premium_received_by_cm"]), "int"),
        ("identified_lobby", p["lobby"], "int"),
        ("identified_cash", p["cash_counter"], "int"),
        ("identified_non_cash", p["non_cash_counter"], "int"),
        ("complaints_received", f["complaints_received"], "int"),
        ("referrals_made", ref["made"], "int"),
        ("referrals_accepted", ref["accepted"], "int"),
        ("referrals_converted", ref["converted"], "int"),
        *((f"{what}_{source}", counts[what], "int")
          for what in ("leads", "converted")
          for source, counts in _by_source_rows(ref)),
    ]


def _by_source_rows(ref: dict[str, Any]) -> list[tuple[str, dict[str, int]]]:
    """(source, {"leads": made, "converted": converted}) for the summary's by-source lines."""
    return [(source, {"leads": v["made"], "converted": v["converted"]})
            for source, v in ref.get("by_source", {}).items()]


def flow_log_sections(doc: dict[str, Any]) -> list[Section]:
    """The flow log part of a day or month document."""
    items = _flow_items(doc)
    if doc["flow_log"].get("confirmed_by"):
        items.append(("confirmed_by", doc["flow_log"]["confirmed_by"], "text"))
    return [_summary(items), _cm_section(doc), _ticket_section(doc)]


def day_sections(doc: dict[str, Any]) -> list[Section]:
    a, c, k, e = doc["authorisations"], doc["complaints"], doc["checklists"], doc["exceptions"]
    items: list[tuple[str, Cell, str]] = [
        ("date", doc["date"], "text"),
        ("closed", doc["closed"], "bool"),
        ("closed_by", doc["closed_by"], "text"),
        *_flow_items(doc),
        ("authz_requested", a["requested"], "int"),
        ("authz_approved", a["approved"], "int"),
        ("authz_rejected", a["rejected"], "int"),
        ("authz_pending", a["pending"], "int"),
        ("handoffs_open", doc["handoffs_open"]["open"], "int"),
        ("handoffs_overdue", doc["handoffs_open"]["overdue"], "int"),
        ("complaints_closed", c["closed"], "int"),
        ("complaints_overdue", c["overdue"], "int"),
        ("checklists_done", k["done"], "int"),
        ("checklists_missed", k["missed"], "int"),
        ("entitled_without_cm", e["entitled_without_cm"], "int"),
        ("cm_change_overdue", e["cm_change_overdue"], "int"),
        ("cm_over_range", e["cm_over_range"], "int"),
        ("cm_under_range", e["cm_under_range"], "int"),
    ]
    tellers = Section("tellers", (
        Column("staff_no"), Column("name"), Column("status"), Column("expected", "fen"),
        Column("counted", "fen"), Column("difference", "fen"), Column("matches", "int"),
        Column("balanced", "bool"), Column("signed_off_by"),
    ), tuple((x["staff_no"], x["name"], t(f"report.balance.{x['status']}"),
              x["expected_cash_fen"], x["counted_cash_fen"], x["difference_fen"], x["matches"],
              x["balanced"], x["signed_off_by"] or "") for x in doc["tellers"]))
    handoffs = Section("handoffs", (
        Column("id", "int"), Column("kind"), Column("from"), Column("to"), Column("created"),
        Column("due"), Column("overdue", "bool"),
    ), tuple((h["id"], t(f"handoff.kind.{h['kind']}"), h["from"],
              h["to"] or (t(f"role.{h['to_role']}") if h["to_role"] else ""),
              _clock(h["created_at"]), _clock(h["due_at"]), h["overdue"])
             for h in doc["handoffs_open"]["items"]))
    titles = e.get("explained_titles", {})
    explained = Section("explained", (Column("item"), Column("reason")), tuple(
        (explained_item(k, titles), v) for k, v in sorted(e["explained"].items())))
    return chain_head.with_row(doc, [_summary(items), _cm_section(doc), _ticket_section(doc),
                                     tellers, handoffs, *_compliance_section(doc),
                                     explained])  # the head's own words close the report



def explained_item(key: str, titles: dict[str, Any]) -> str:
    """What an explanation of the close is about, in words: the routine's name for a checklist,
    the flow record, the hand-off's number (the close's own key, `checklist:<id>`, is not shown)."""
    kind, _, ref = key.partition(":")
    if kind == "checklist":
        zh, en = titles.get(key) or (ref, ref)
        return t("screens19.explained_checklist", title=tl(zh, en))
    if kind == "flow_log":
        return t("screens19.explained_flow_log")
    if kind == "handoff":
        return t("screens19.explained_handoff", id=ref)
    if kind == "teller":
        return t("screens19.explained_teller", staff_no=ref)
    return key


def _compliance(figures: compliance.ComplianceFigures | None) -> dict[str, Any]:
    return {"compliance": compliance.as_dict(figures)} if figures is not None else {}


class _ComplianceColumn(Column):
    @property
    def title(self) -> str:
        return t(f"compliance.report.col.{self.key}")


class _ComplianceSection(Section):
    @property
    def title(self) -> str:
        return t("compliance.report.title")


def _compliance_section(doc: dict[str, Any]) -> list[Section]:
    """The compliance section (issue 17): sales by product risk, refusals, without assessment."""
    if "compliance" not in doc:
        return []
    cols = (_ComplianceColumn("key"), _ComplianceColumn("label"), _ComplianceColumn("value"))
    rows = tuple((k, label, v) for k, label, v in compliance.rows(doc["compliance"]))
    return [_ComplianceSection("compliance", cols, rows)]


def month_sections(doc: dict[str, Any]) -> list[Section]:
    a, c, k = doc["authorisations"], doc["complaints"], doc["checklists"]
    items: list[tuple[str, Cell, str]] = [
        ("month", doc["month"], "text"),
        ("days_open", doc["days_open"], "int"),
        ("days_closed", doc["days_closed"], "int"),
        *_flow_items(doc),
        ("authz_requested", a["requested"], "int"),
        ("authz_approved", a["approved"], "int"),
        ("authz_rejected", a["rejected"], "int"),
        ("complaints_closed", c["closed"], "int"),
        ("complaints_overdue", c["overdue"], "int"),
        ("checklists_done", k["done"], "int"),
        ("checklists_missed", k["missed"], "int"),
    ]
    days = Section("days", (
        Column("date"), Column("closed", "bool"), Column("visitors", "int"),
        Column("tickets", "int"), Column("served", "int"), Column("avg_wait", "seconds"),
        Column("premium_received", "int"), Column("premium_identified", "int"),
        Column("complaints", "int"), Column("referrals", "int"), Column("tellers", "int"),
        Column("signed_off", "int"),
    ), tuple((d["date"], d["closed"], d["visitors"], d["tickets"], d["served"], d["avg_wait_s"],
              d["premium_received"], d["premium_identified"], d["complaints"], d["referrals"],
              d["tellers"], d["tellers_signed_off"]) for d in doc["days"]))
    tellers = Section("tellers_month", (
        Column("staff_no"), Column("name"), Column("days", "int"),
        Column("signed_off_days", "int"), Column("balanced_days", "int"),
        Column("difference", "fen"),
    ), tuple((x["staff_no"], x["name"], x["days"], x["signed_off_days"], x["balanced_days"],
              x["difference_fen"]) for x in doc["tellers"]))
    return chain_head.with_row(doc, [_summary(items), days, _cm_section(doc),
                                     _ticket_section(doc), tellers,
                                     *_compliance_section(doc)])


def kpi_sections(doc: dict[str, Any]) -> list[Section]:
    from wealthtui.reports.kpi import GROUP_INDICATORS

    center = Section("kpi_center", (
        Column("indicator"), Column("value", "number"), Column("unit"), Column("target", "number"),
        Column("status"), Column("detail"), Column("source"), Column("entered_by"),
    ), tuple((t(f"kpi.indicator.{i['code']}"), i["value"], t(f"kpi.unit.{i['unit']}"),
              i["target"], t(f"kpi.status.{i['status']}"), i["detail"],
              t(f"kpi.source.{i['source']}"), i["entered_by"] or "") for i in doc["center"]))
    out = [center]
    for group, codes in GROUP_INDICATORS.items():
        rows = tuple((s["staff_no"], s["name"], *(s["values"].get(c) for c in codes))
                     for s in doc["staff"] if s["group"] == group)
        out.append(Section(f"kpi_{group}", (
            Column("staff_no"), Column("name"),
            *(Column(f"kpi_{c}", "number") for c in codes),
        ), rows))
    return out
