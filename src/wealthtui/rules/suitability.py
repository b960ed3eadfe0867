"""Suitability: may a product of risk level R be proposed or sold to a client of risk level C?

Clients are assessed on five levels C1 (conservative) … C5 (aggressive); products carry R1 … R5.
A client may be proposed products up to their own level. `check` is the bare table; `decide` is
the rule the services apply at every sale path, with the branch's `[compliance]` settings
(`SaleRules`): a walk-in (no client record) buys nothing; with no assessment or an expired one
only products up to `unassessed_max_level` (R1); a client aged `senior_age` or more only up to
`senior_max_level`; a product above the client's level is refused — the client's signed
acknowledgement lets it through only where the config names that (client level, product level)
as an exception. An acknowledgement never stands in for a missing or expired assessment.
(Manual digest §4.3, steps 4–6: needs analysis with the risk questionnaire, proposal matching the
risk level, disclosure and signature. Regulatory practice, not our manual's text:
《商业银行理财业务监督管理办法》(2018), sales suitability — sell only products at or below the client's
assessed risk tolerance; the 2018 资管新规 (银发〔2018〕106号) §6 — investor suitability.)
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

WALK_IN = "walk_in"                    # refused: no client record
SENIOR_LIMIT = "senior_limit"          # refused: above the highest level for clients aged 65+

REFUSALS = (ABOVE_LEVEL, NO_ASSESSMENT, ASSESSMENT_EXPIRED, WALK_IN, SENIOR_LIMIT)


@dataclass(frozen=True)
class SaleRules:
    """The branch's suitability rules (`[compliance]` and `contact.risk_assessment_valid_days`)."""

    valid_days: int = 365
    unassessed_max_level: int = 1
    senior_age: int = 65
    senior_max_level: int = 3
    #: (client level, product level) pairs allowed above the level with an acknowledgement
    exceptions: frozenset[tuple[int, int]] = frozenset()


def age_on(birthday: date | None, today: date) -> int | None:
    """Full years of age on `today` (None when the birthday is not known)."""
    if birthday is None:
        return None
    years = today.year - birthday.year
    if (today.month, today.day) < (birthday.month, birthday.day):
        years -= 1
    return years


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


def decide(
    *,
    product_level: int,
    client_level: int | None,
    assessed_on: date | None,
    today: date,
    rules: SaleRules,
    age: int | None = None,
    walk_in: bool = False,
    acknowledged: bool = False,
) -> Verdict:
    """The verdict on selling one product to one client on `today` under the branch's rules.

    Order: walk-in; no or expired assessment (only up to `unassessed_max_level`); the senior
    limit (age known and at least `senior_age`); the client's level, above which only a configured
    exception with the client's acknowledgement passes."""
    if product_level not in LEVELS:
        raise ValueError(f"product risk level must be 1..5, not {product_level!r}")
    if client_level is not None and client_level not in LEVELS:
        raise ValueError(f"client risk level must be 1..5, not {client_level!r}")
    if walk_in:
        return Verdict(WALK_IN, product_level, None)
    valid = client_level is not None and assessment_valid(assessed_on, today, rules.valid_days)
    if age is not None and age >= rules.senior_age and product_level > rules.senior_max_level:
        return Verdict(SENIOR_LIMIT, product_level, client_level)
    if not valid:
        if product_level <= rules.unassessed_max_level:
            return Verdict(SUITABLE, product_level, client_level)
        if client_level is None or assessed_on is None:
            return Verdict(NO_ASSESSMENT, product_level, client_level)
        return Verdict(ASSESSMENT_EXPIRED, product_level, client_level)
    assert client_level is not None
    if product_level <= client_level:
        return Verdict(SUITABLE, product_level, client_level)
    if acknowledged and (client_level, product_level) in rules.exceptions:
        return Verdict(ACKNOWLEDGED, product_level, client_level)
    return Verdict(ABOVE_LEVEL, product_level, client_level)
