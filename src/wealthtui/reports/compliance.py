"""The compliance section of the head's reports (issue 17): sales checked at the point of sale
by product risk, refusals by reason, sales without a valid assessment (must be 0), exceptions —
read from the `sale_check` records (services.compliance writes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from wealthtui.i18n import t
from wealthtui.model import AntifraudCheck, SaleCheck
from wealthtui.rules import suitability
from wealthtui.rules.money import format_fen

OUTCOMES = ("above_level", "no_assessment", "assessment_expired", "walk_in", "senior_limit")


@dataclass(frozen=True)
class ComplianceFigures:
    """One period's sales checked at the point of sale (SaleCheck rows)."""

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

    @property
    def refused_total(self) -> int:
        return sum(self.refusals.values())

    @property
    def sales_total(self) -> int:
        return sum(self.sales_by_risk.values())


def figures_in(session: Any, settings: Any, start: date, end: date) -> ComplianceFigures:
    """The compliance figures of business days start..end (inclusive), from the records."""
    rows = session.execute(
        select(SaleCheck.product_level, SaleCheck.refused, SaleCheck.outcome, SaleCheck.path,
               SaleCheck.assessment_valid, SaleCheck.amount_fen)
        .where(SaleCheck.business_date >= start, SaleCheck.business_date <= end)).all()
    by_risk: dict[int, int] = {}
    refusals: dict[str, int] = {}
    by_path: dict[str, int] = {}
    amount = unassessed = exceptions = 0
    floor = settings.compliance.unassessed_max_level
    for level, refused, outcome, path, valid, fen in rows:
        if refused:
            refusals[outcome] = refusals.get(outcome, 0) + 1
            continue
        by_risk[level] = by_risk.get(level, 0) + 1
        by_path[path] = by_path.get(path, 0) + 1
        amount += fen or 0
        unassessed += int(level > floor and not valid)
        exceptions += int(outcome == suitability.ACKNOWLEDGED)
    asked, stops = _antifraud(session, start, end)
    return ComplianceFigures(start, end, dict(sorted(by_risk.items())), amount,
                             dict(sorted(refusals.items())), unassessed, exceptions,
                             dict(sorted(by_path.items())), asked, stops)


def _antifraud(session: Any, start: date, end: date) -> tuple[int, int]:
    """(asked, stopped) anti-fraud checks of the period (AntifraudCheck rows)."""
    asked, stops = session.execute(
        select(func.count(AntifraudCheck.id),
               func.coalesce(func.sum(case((AntifraudCheck.stopped, 1), else_=0)), 0))
        .where(AntifraudCheck.business_date >= start,
               AntifraudCheck.business_date <= end)).one()
    return int(asked), int(stops)




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
                               reason=t(f"compliance.reason.{k}")), v)
            for k, v in doc["refusals"].items()]
    out += [("sales_without_valid_assessment", t("compliance.report.unassessed"),
             doc["sales_without_valid_assessment"]),
            ("exceptions", t("compliance.report.exceptions"), doc["exceptions"]),
            ("antifraud_asked", t("antifraud.report.asked"), doc.get("antifraud_asked", 0)),
            ("antifraud_stops", t("antifraud.report.stops"), doc.get("antifraud_stops", 0))]
    return tuple(out)
