"""The compliance section of the head's reports (issue 17): sales checked at the point of sale
by product risk, refusals by reason, sales without a valid assessment (must be 0), exceptions,
the dual recordings (双录) of the sales that needed one — read from the `sale_check` and
`dual_recording` records (services.compliance and services.dual_recording write them). The head's
compliance panel and `wealthtui eod` both show `rows(as_dict(figures))`: one truth per figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from wealthtui.i18n import t
from wealthtui.rules import dual_recording, suitability
from wealthtui.rules.money import format_fen
from wealthtui.store import tables as db

OUTCOMES = ("above_level", "no_assessment", "assessment_expired", "walk_in", "senior_limit",
            "no_recording")
#: the catalog key naming each refusal's reason
REASON_KEYS = {o: f"compliance.reason.{o}" for o in OUTCOMES} | {
    "no_recording": "dual_recording.refused_reason"}


@dataclass(frozen=True)
class ComplianceFigures:
    """One period's sales checked at the point of sale (sale_check rows)."""

    start: date
    end: date
    #: product level (1..5) → sales allowed
    sales_by_risk: dict[int, int] = field(default_factory=dict)
    sales_amount_fen: int = 0
    #: outcome → refused attempts (a refused attempt of several products counts each product)
    refusals: dict[str, int] = field(default_factory=dict)
    #: allowed sales above `unassessed_max_level` without a valid assessment (must be 0)
    sales_without_valid_assessment: int = 0
    #: allowed sales above the client's level under a configured exception
    exceptions: int = 0
    by_path: dict[str, int] = field(default_factory=dict)
    #: business asked the anti-fraud questions, and those a suspicious answer stopped
    antifraud_asked: int = 0
    antifraud_stops: int = 0
    #: allowed sales with their dual recording (双录) linked
    recorded_sales: int = 0
    #: allowed sales that `[compliance.dual_recording]` names without a recording (must be 0)
    unrecorded_sales: int = 0

    @property
    def refused_total(self) -> int:
        return sum(self.refusals.values())

    @property
    def sales_total(self) -> int:
        return sum(self.sales_by_risk.values())


def figures_in(session: Any, settings: Any, start: date, end: date) -> ComplianceFigures:
    """The compliance figures of business days start..end (inclusive), from the records."""
    rows = session.execute(
        select(db.sale_check.c.id, db.sale_check.c.product_level, db.sale_check.c.refused, db.sale_check.c.outcome,
               db.sale_check.c.path, db.sale_check.c.assessment_valid, db.sale_check.c.amount_fen)
        .where(db.sale_check.c.business_date >= start, db.sale_check.c.business_date <= end)).all()
    by_risk: dict[int, int] = {}
    refusals: dict[str, int] = {}
    by_path: dict[str, int] = {}
    amount = unassessed = exceptions = 0
    floor = settings.compliance.unassessed_max_level
    for _id, level, refused, outcome, path, valid, fen in rows:
        if refused:
            refusals[outcome] = refusals.get(outcome, 0) + 1
            continue
        by_risk[level] = by_risk.get(level, 0) + 1
        by_path[path] = by_path.get(path, 0) + 1
        amount += fen or 0
        unassessed += int(level > floor and not valid)
        exceptions += int(outcome == suitability.ACKNOWLEDGED)
    asked, stops = _antifraud(session, start, end)
    statuses = [d.status for d in recording_status_in(session, settings, start, end)]
    return ComplianceFigures(start, end, dict(sorted(by_risk.items())), amount,
                             dict(sorted(refusals.items())), unassessed, exceptions,
                             dict(sorted(by_path.items())), asked, stops,
                             statuses.count("recorded"), statuses.count("missing"))


def _antifraud(session: Any, start: date, end: date) -> tuple[int, int]:
    """(asked, stopped) anti-fraud checks of the period (antifraud_check rows)."""
    asked, stops = session.execute(
        select(func.count(db.antifraud_check.c.id),
               func.coalesce(func.sum(case((db.antifraud_check.c.stopped, 1), else_=0)), 0))
        .where(db.antifraud_check.c.business_date >= start,
               db.antifraud_check.c.business_date <= end)).one()
    return int(asked), int(stops)


# --- dual recording (双录) ---------------------------------------------------------------------

@dataclass(frozen=True)
class DaySale:
    """A sale (allowed, or refused for want of a recording) that needed a recording."""

    sale_check_id: int
    at: Any  # datetime (UTC)
    client_name: str
    product_code: str
    path: str
    status: str  # "recorded" | "refused" | "missing" (allowed without one: must not happen)
    recording_ref: str
    recorded_by_name: str


def first_purchase_in(session: Any, client_id: int | None, before: Any = None) -> bool:
    """No sale (an allowed sale_check) of the client on record (before the instant `before`)."""
    if client_id is None:
        return False
    q = select(func.count()).select_from(db.sale_check).where(
        db.sale_check.c.client_id == client_id, db.sale_check.c.refused == False)  # noqa: E712
    if before is not None:
        q = q.where(db.sale_check.c.at < before)
    return int(session.execute(q).scalar_one()) == 0


def recording_status_in(session: Any, settings: Any, start: date, end: date) -> list[DaySale]:
    """The sales of days start..end that needed a recording: every sale with a recording
    linked, every attempt refused for want of one, and every allowed sale the rules name that
    has none (which the services never let through — the figure the head expects to be 0)."""
    checks = session.execute(select(db.sale_check).where(
        db.sale_check.c.business_date >= start, db.sale_check.c.business_date <= end)
        .order_by(db.sale_check.c.id)).all()
    if not checks:
        return []
    linked = {r.sale_check_id: r for r in session.execute(select(db.dual_recording).where(
        db.dual_recording.c.sale_check_id.in_([c.id for c in checks]))).all()}
    clients = dict(session.execute(select(db.client.c.id, db.client.c.name).where(
        db.client.c.id.in_({c.client_id for c in checks if c.client_id}))).all())
    staff = dict(session.execute(select(db.staff.c.id, db.staff.c.name).where(
        db.staff.c.id.in_({r.recorded_by for r in linked.values()}))).all()) if linked else {}
    rules = dual_recording.from_settings(settings)
    out = []
    for c in checks:
        rec = linked.get(c.id)
        if c.refused:
            if c.outcome != dual_recording.NO_RECORDING:
                continue
            status = "refused"
        elif rec is not None:
            status = "recorded"
        elif dual_recording.reasons(rules, product_code=c.product_code,
                                    product_level=c.product_level, client_age=c.client_age,
                                    first_purchase=first_purchase_in(session, c.client_id, c.at)):
            status = "missing"
        else:
            continue
        out.append(DaySale(c.id, c.at, clients.get(c.client_id, ""), c.product_code, c.path,
                           status, rec.recording_ref if rec else "",
                           staff.get(rec.recorded_by, "") if rec else ""))
    return out


@dataclass(frozen=True)
class ComplianceOverview:
    """The head's compliance view: the day's and the month's figures, and the day's sales that
    needed a dual recording with their status."""

    day: ComplianceFigures
    month: ComplianceFigures
    recordings: list[DaySale]


def overview_in(session: Any, settings: Any, day: date) -> ComplianceOverview:
    return ComplianceOverview(figures_in(session, settings, day, day),
                              figures_in(session, settings, day.replace(day=1), day),
                              recording_status_in(session, settings, day, day))


def as_dict(f: ComplianceFigures) -> dict[str, Any]:
    """The figures for the JSON export (and the CSV/XLSX section)."""
    return {
        "sales": f.sales_total,
        "sales_amount_fen": f.sales_amount_fen,
        "sales_by_risk": {f"R{level}": f.sales_by_risk.get(level, 0) for level in range(1, 6)},
        "refused": f.refused_total,
        "refusals": {o: f.refusals.get(o, 0) for o in OUTCOMES},
        "sales_without_valid_assessment": f.sales_without_valid_assessment,
        "exceptions": f.exceptions,
        "antifraud_asked": f.antifraud_asked,
        "antifraud_stops": f.antifraud_stops,
        "recorded_sales": f.recorded_sales,
        "unrecorded_sales": f.unrecorded_sales,
    }


def rows(doc: dict[str, Any]) -> tuple[tuple[str, str, Any], ...]:
    """(key, label, value) rows of the compliance section, from `as_dict`'s document."""
    out: list[tuple[str, str, Any]] = [
        ("sales", t("compliance.report.sales"), doc["sales"]),
        ("sales_amount", t("compliance.report.sales_amount"), format_fen(doc["sales_amount_fen"])),
    ]
    out += [(f"sales_{k}", t("compliance.report.sales_level", level=k), v)
            for k, v in doc["sales_by_risk"].items()]
    out.append(("refused", t("compliance.report.refused"), doc["refused"]))
    out += [(f"refused_{k}", t("compliance.report.refused_reason",
                               reason=t(REASON_KEYS.get(k, f"compliance.reason.{k}"))), v)
            for k, v in doc["refusals"].items()]
    out += [("sales_without_valid_assessment", t("compliance.report.unassessed"),
             doc["sales_without_valid_assessment"]),
            ("exceptions", t("compliance.report.exceptions"), doc["exceptions"]),
            ("antifraud_asked", t("antifraud.report.asked"), doc.get("antifraud_asked", 0)),
            ("antifraud_stops", t("antifraud.report.stops"), doc.get("antifraud_stops", 0))]
    out += [(k, t(f"dual_recording.report.{label}"), doc[k]) for k, label in (
        ("recorded_sales", "recorded"), ("unrecorded_sales", "missing")) if k in doc]
    return tuple(out)
