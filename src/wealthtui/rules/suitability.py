"""Suitability: may a product of risk level R be proposed to a client of risk level C?

Clients are assessed on five levels C1 (conservative) … C5 (aggressive); products carry R1 … R5.
A client may be proposed products up to their own level. A product above it is refused unless the
client's signed acknowledgement is recorded (the client asked for it after being told the risk and
signed for it). Proposing anything above R1 needs a risk assessment that has not expired; an
acknowledgement does not stand in for a missing or expired assessment.
(Manual digest §4.3, steps 4–6: needs analysis with the risk questionnaire, proposal matching the
risk level, disclosure and signature.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

LEVELS = (1, 2, 3, 4, 5)

SUITABLE = "suitable"
ACKNOWLEDGED = "acknowledged"          # above the client's level, signed acknowledgement on file
ABOVE_LEVEL = "above_level"            # refused: above the client's level, no acknowledgement
NO_ASSESSMENT = "no_assessment"        # refused: the client was never assessed
ASSESSMENT_EXPIRED = "assessment_expired"  # refused: the assessment is too old

REFUSALS = (ABOVE_LEVEL, NO_ASSESSMENT, ASSESSMENT_EXPIRED)


def assessment_expires_on(assessed_on: date | None, valid_days: int) -> date | None:
    """The first day on which an assessment made on `assessed_on` no longer counts."""
    if assessed_on is None:
        return None
    return assessed_on + timedelta(days=valid_days)


def assessment_valid(assessed_on: date | None, today: date, valid_days: int) -> bool:
    expires = assessment_expires_on(assessed_on, valid_days)
    return expires is not None and today < expires


@dataclass(frozen=True)
class Verdict:
    outcome: str
    product_level: int
    client_level: int | None

    @property
    def refused(self) -> bool:
        return self.outcome in REFUSALS

    @property
    def above_level(self) -> bool:
        """The product is riskier than the client's level (whether acknowledged or not)."""
        return self.client_level is not None and self.product_level > self.client_level


def check(
    *,
    product_level: int,
    client_level: int | None,
    assessed_on: date | None,
    today: date,
    valid_days: int,
    acknowledged: bool = False,
) -> Verdict:
    """The suitability verdict for proposing one product to one client on `today`."""
    if product_level not in LEVELS:
        raise ValueError(f"product risk level must be 1..5, not {product_level!r}")
    if client_level is not None and client_level not in LEVELS:
        raise ValueError(f"client risk level must be 1..5, not {client_level!r}")
    if product_level == 1:
        return Verdict(SUITABLE, product_level, client_level)
    if client_level is None or assessed_on is None:
        return Verdict(NO_ASSESSMENT, product_level, client_level)
    if not assessment_valid(assessed_on, today, valid_days):
        return Verdict(ASSESSMENT_EXPIRED, product_level, client_level)
    if product_level <= client_level:
        return Verdict(SUITABLE, product_level, client_level)
    if acknowledged:
        return Verdict(ACKNOWLEDGED, product_level, client_level)
    return Verdict(ABOVE_LEVEL, product_level, client_level)
