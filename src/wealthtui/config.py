"""Settings: data/config/default.toml < user config file < WEALTHTUI_* environment < flags.

Everything a branch would change lives here, typed and validated, never in code.

The sections are immutable dataclasses (`@section`); pydantic validates the merged layers
against them (types, `Limits`, unknown keys refused, and each section's `__post_init__` checks).
Importing pydantic and building the validator took longer than the whole rest of the start-up
before the sign-in screen (DESIGN §6), so a successful validation is kept in the user cache
folder, keyed by everything it depends on (the merged input, this module, the permissions
module, the pydantic version): the same input is validated once, and later starts rebuild the
validated values from the cache without importing pydantic (the sections' `__post_init__`
checks run again). A changed file, variable or flag is a different key and is validated again;
a configuration that fails validation is never cached, so it fails every time with the same
message. The cache folder is the user's own, like the configuration file.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from datetime import time as dt_time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self, TypeVar

from platformdirs import user_config_path, user_data_path

if TYPE_CHECKING:
    from wealthtui.rules.clock import OpenDays

from wealthtui.resources import cache_key, data_file, read_cached, read_toml, stamp, write_cached

APP_NAME = "wealthtui"


class Limits:
    """Bounds of a number or of a list's length, in pydantic's terms (`ge`, `gt`, `le`,
    `min_length`, `max_length`): `Annotated[int, Limits(ge=1)]`. Checked when the settings are
    validated; pydantic is imported only then."""

    def __init__(self, **bounds: int | float) -> None:
        self.bounds = bounds

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import Field

        return handler(Annotated[source, Field(**self.bounds)])  # type: ignore[call-overload]


class _Section:
    """A settings section: immutable, compared by value. Its fields are declared as a dataclass's
    (`@section`); the methods are these, shared: dataclasses would generate six for each section,
    ~20 ms of every start (this module now imports in under 2 ms)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    def __init__(self, **values: Any) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name in values:
                value = values.pop(f.name)
            elif f.default is not dataclasses.MISSING:
                value = f.default
            elif f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
            else:
                raise TypeError(f"{type(self).__name__}: {f.name} is required")
            object.__setattr__(self, f.name, value)
        if values:
            raise TypeError(f"{type(self).__name__}: unknown {', '.join(sorted(values))}")
        self.__post_init__()

    def __post_init__(self) -> None:
        """The section's own checks, after its fields are set (also when pydantic made it)."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self))  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))  # type: ignore[arg-type]
        return f"{type(self).__name__}({', '.join(shown)})"

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A copy with some values replaced (checked by the section's own rules, as on load)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]


_S = TypeVar("_S", bound=_Section)


def section(cls: type[_S]) -> type[_S]:
    """Declare a settings section: its annotated fields become dataclass fields."""
    return dataclass(init=False, repr=False, eq=False, kw_only=True)(cls)


@section
class CenterCfg(_Section):
    """[center]: the center's names, branch code, time zone and kind."""

    name: str
    name_en: str
    code: str
    timezone: str = "Asia/Shanghai"
    kind: Literal["standard", "high_end"] = "standard"


@section
class UiCfg(_Section):
    """[ui]: language, idle lock, live-update poll, theme, cursor, key map."""

    language: Literal["zh_CN", "en"] = "zh_CN"
    idle_lock_minutes: Annotated[int, Limits(ge=1, le=15)] = 10
    refresh_seconds: Annotated[float, Limits(gt=0, le=10)] = 1.0
    theme: str = "textual-dark"
    blink_cursor: bool = True
    keymap: dict[str, str] = field(default_factory=dict)


@section
class SecurityCfg(_Section):
    """[security]: PIN rules and lockout, masking of numbers, the PIN hash cost."""

    max_failed_pins: Annotated[int, Limits(ge=1)] = 10  # then the account locks
    lockout_minutes: Annotated[int, Limits(ge=1)] = 15
    pin_min_length: Annotated[int, Limits(ge=4)] = 6
    pin_max_length: Annotated[int, Limits(ge=4)] = 12
    id_mask_head: Annotated[int, Limits(ge=0)] = 6
    id_mask_tail: Annotated[int, Limits(ge=0)] = 4
    phone_mask_head: Annotated[int, Limits(ge=0)] = 3
    phone_mask_tail: Annotated[int, Limits(ge=0)] = 4
    card_mask_head: Annotated[int, Limits(ge=0)] = 4
    card_mask_tail: Annotated[int, Limits(ge=0)] = 4
    # argon2id cost of PIN hashes; existing hashes are upgraded at the next sign-in
    pin_hash_time_cost: Annotated[int, Limits(ge=1)] = 3
    pin_hash_memory_kib: Annotated[int, Limits(ge=64)] = 65536
    pin_hash_parallelism: Annotated[int, Limits(ge=1)] = 4


@section
class StoreCfg(_Section):
    """[store]: the database (a path or a URL), busy timeout, write retries, backups kept."""

    db: str = ""
    busy_timeout_ms: Annotated[int, Limits(ge=100)] = 5000
    write_retries: Annotated[int, Limits(ge=0)] = 5
    backups_keep: Annotated[int, Limits(ge=1)] = 14


@section
class TierCfg(_Section):
    """[[tiers]]: a client tier, from assets under management (fen)."""

    code: str
    name: str
    name_en: str
    min_aum_fen: Annotated[int, Limits(ge=0)]
    premium: bool


@section
class ZoneCfg(_Section):
    """[zones.<code>]: an area of the center."""

    name: str
    name_en: str
    # the kinds of center that have this zone (a high-end center has a reception, no consultation)
    centers: list[Literal["standard", "high_end"]] = field(
        default_factory=lambda: ["standard", "high_end"])


@section
class CategoryCfg(_Section):
    """[[queue.categories]]: a ticket category: prefix, number range, zone, priority."""

    code: str
    prefix: str
    name: str
    name_en: str
    zone: str
    first: Annotated[int, Limits(ge=0)]
    last: Annotated[int, Limits(ge=1)]
    priority: int = 0


@section
class RoutingCfg(_Section):
    """The lobby's routing table (manual digest §2.4): the category each route issues."""

    cash: str = "A"
    cash_premium: str = "C"
    non_cash: str = "B"
    wealth: str = "B"
    premium: str = "V"
    large_cash_fen: Annotated[int, Limits(ge=0)] = 5_000_000
    # 0: never propose the machines for cash
    self_service_cash_max_fen: Annotated[int, Limits(ge=0)] = 0


@section
class QueueCfg(_Section):
    """[queue]: the ticket queue: waits, recalls, calling board, categories (the printer: [printer])."""

    starvation_minutes: Annotated[int, Limits(ge=1)] = 20
    recall_limit: Annotated[int, Limits(ge=0)] = 2
    board_recent_calls: Annotated[int, Limits(ge=1, le=20)] = 6
    categories: list[CategoryCfg]
    routing: RoutingCfg = field(default_factory=RoutingCfg)

    def __post_init__(self) -> None:
        codes = [c.code for c in self.categories]
        if len(set(codes)) != len(codes):
            raise ValueError("queue.categories: codes must be unique")
        if len({c.prefix for c in self.categories}) != len(codes):
            raise ValueError("queue.categories: prefixes must be unique")
        for c in self.categories:
            if c.first > c.last:
                raise ValueError(f"queue.categories {c.code}: first must not exceed last")
        r = self.routing
        for key in ("cash", "cash_premium", "non_cash", "wealth", "premium"):
            if getattr(r, key) not in codes:
                raise ValueError(f"queue.routing.{key}: unknown category {getattr(r, key)}")


@section
class CounterCfg(_Section):
    """[[counters]]: a counter: number, zone, cash or not, the categories it calls."""

    no: str
    zone: str
    kind: Literal["cash", "non_cash"]
    categories: list[str]


@section
class HandoffCfg(_Section):
    """[handoffs]: when a client handed over is late, due, and expired."""

    arrival_late_minutes: Annotated[int, Limits(ge=1)] = 5
    default_due_minutes: Annotated[int, Limits(ge=1)] = 30
    expire_after_hours: Annotated[int, Limits(ge=1)] = 24
    # an accepted hand-off is in progress; overdue only past this many minutes (0: never)
    complete_within_minutes: Annotated[int, Limits(ge=0)] = 0
    # how often a signed-in screen has the expired hand-offs returned to their senders
    expire_check_minutes: Annotated[int, Limits(ge=1)] = 5


@section
class BusinessTypeCfg(_Section):
    """[[counter.business_types]]: a kind of business done at a counter."""

    code: str
    name: str
    name_en: str
    categories: list[str]
    cash: Literal["in", "out", "none"]
    premium_signal: bool = False   # a large amount suggests a referral to a CM
    account_closing: bool = False  # a premium client's closing needs the CM told and a retention try


@section
class VoucherKindCfg(_Section):
    """[[counter.voucher_kinds]]: a kind of important blank voucher a teller holds."""

    code: str
    name: str
    name_en: str


@section
class CounterWorkCfg(_Section):
    """[counter]: counter work: premium signal, sign-on, cash, witnesses, business."""

    premium_signal_amount_fen: Annotated[int, Limits(ge=0)] = 5_000_000
    sign_on_procedure: str = ""
    denominations_fen: Annotated[list[int], Limits(min_length=1)] = field(
        default_factory=lambda: [10000, 5000, 2000, 1000, 500, 100, 50, 10])
    witness_reasons: list[Literal["shift", "leave", "transfer"]] = field(
        default_factory=lambda: ["leave", "transfer"])
    voucher_kinds: list[VoucherKindCfg] = field(default_factory=list)
    business_types: list[BusinessTypeCfg]

    def __post_init__(self) -> None:
        values = self.denominations_fen
        if any(v <= 0 for v in values) or len(set(values)) != len(values):
            raise ValueError("denominations_fen: denominations must be distinct positive amounts "
                             "in fen")
        object.__setattr__(self, "denominations_fen", sorted(values, reverse=True))

    def voucher_kind(self, code: str) -> VoucherKindCfg | None:
        return next((v for v in self.voucher_kinds if v.code == code), None)


@section
class AuthzRuleCfg(_Section):
    """[[authorization.rules]]: who authorises a business of a type from an amount."""

    business_type: str
    min_amount_fen: Annotated[int, Limits(ge=0)] = 0
    checker_roles: Annotated[list[str], Limits(min_length=1)]

    def __post_init__(self) -> None:
        from wealthtui.rules.permissions import ROLES

        unknown = sorted(set(self.checker_roles) - set(ROLES))
        if unknown:
            raise ValueError(f"checker_roles: unknown roles {', '.join(unknown)}; "
                             f"accepted: {', '.join(ROLES)}")


@section
class AuthorizationCfg(_Section):
    """[authorization]: the authorisation rules."""

    rules: list[AuthzRuleCfg] = field(default_factory=list)

    def rule_for(self, business_type: str, amount_fen: int) -> AuthzRuleCfg | None:
        """The rule that governs a business: of those matching its type whose minimum the amount
        reaches, the one with the highest minimum. None: no authorisation needed."""
        matching = [r for r in self.rules
                    if r.business_type == business_type and amount_fen >= r.min_amount_fen]
        return max(matching, key=lambda r: r.min_amount_fen, default=None)


@section
class ComplaintSubcategoryCfg(_Section):
    """A sub-category of a complaint category."""

    code: str
    name: str
    name_en: str


@section
class ComplaintCategoryCfg(_Section):
    """[[complaints.categories]]: a complaint category and its sub-categories."""

    code: str
    name: str
    name_en: str
    subcategories: list[ComplaintSubcategoryCfg] = field(default_factory=list)


@section
class ComplaintChannelCfg(_Section):
    """[[complaints.channels]]: how a complaint arrived."""

    code: str
    name: str
    name_en: str
    forwarded: bool = False  # forwarded by an upper level or a regulator: has an outside reference


@section
class ComplaintsCfg(_Section):
    """[complaints]: deadlines, warnings, reference prefix, channels, categories."""

    decision_days: Annotated[int, Limits(ge=1)] = 15
    # the limit after one extension, from the same start
    extension_days: Annotated[int, Limits(ge=1)] = 30
    # added by a further, head-approved extension
    further_extension_days: Annotated[int, Limits(ge=1)] = 30
    working_days: bool = False
    warn_days: Annotated[int, Limits(ge=0)] = 3
    ref_prefix: Annotated[str, Limits(min_length=1, max_length=4)] = "TS"
    channels: Annotated[list[ComplaintChannelCfg], Limits(min_length=1)]
    categories: Annotated[list[ComplaintCategoryCfg], Limits(min_length=1)]

    def __post_init__(self) -> None:
        for name in ("channels", "categories"):
            items = getattr(self, name)
            codes = [i.code for i in items]
            if len(codes) != len(set(codes)):
                raise ValueError(f"{name}: codes must be unique")
            for item in items:
                subs = [s.code for s in getattr(item, "subcategories", [])]
                if len(subs) != len(set(subs)):
                    raise ValueError(f"{name}: sub-category codes of {item.code} must be unique")

    def channel(self, code: str) -> ComplaintChannelCfg | None:
        return next((c for c in self.channels if c.code == code), None)

    def category(self, code: str) -> ComplaintCategoryCfg | None:
        return next((c for c in self.categories if c.code == code), None)


@section
class FestivalCfg(_Section):
    """[[contact.festivals]]: a festival for greeting clients (solar or lunar date)."""

    code: str
    name: str
    name_en: str
    calendar: Literal["solar", "lunar"]
    month: Annotated[int, Limits(ge=1, le=12)]
    day: Annotated[int, Limits(ge=1, le=31)]
    lead_workdays: Annotated[int, Limits(ge=0, le=20)] = 1


@section
class ProductCfg(_Section):
    """[[contact.products]]: a wealth product and its risk level."""

    code: Annotated[str, Limits(min_length=1, max_length=30)]
    name: str
    name_en: str
    risk_level: Annotated[int, Limits(ge=1, le=5)]  # R1..R5


@section
class ContactCfg(_Section):
    """[contact]: client contact: risk assessments, maturities, portfolios, cadence."""

    risk_assessment_valid_days: Annotated[int, Limits(ge=1)] = 365
    risk_expiry_warn_days: Annotated[int, Limits(ge=0)] = 30
    maturity_days_ahead: Annotated[int, Limits(ge=0)] = 5
    no_contact_alert_days: Annotated[int, Limits(ge=1)] = 90
    cm_change_first_contact_days: Annotated[int, Limits(ge=1)] = 30
    followup_default_days: Annotated[int, Limits(ge=1)] = 7
    birthday_lead_days: Annotated[int, Limits(ge=0, le=30)] = 3
    portfolio_min: Annotated[int, Limits(ge=0)] = 100
    portfolio_max: Annotated[int, Limits(ge=1)] = 200
    portfolio_roles: list[str] = field(default_factory=lambda: ["wealth_cm"])
    near_premium_pct: Annotated[int, Limits(ge=1, le=100)] = 80
    cadence_days: dict[str, int] = field(default_factory=dict)
    festivals: list[FestivalCfg] = field(default_factory=list)
    products: list[ProductCfg] = field(default_factory=list)

    def __post_init__(self) -> None:
        bad = sorted(k for k, v in self.cadence_days.items() if v < 1)
        if bad:
            raise ValueError(f"cadence_days must be at least 1 day: {', '.join(bad)}")
        codes = [p.code for p in self.products]
        if len(codes) != len(set(codes)):
            raise ValueError("products: product codes must be unique")
        if self.portfolio_min > self.portfolio_max:
            raise ValueError("portfolio_min must not exceed portfolio_max")

    def product(self, code: str) -> ProductCfg | None:
        return next((p for p in self.products if p.code == code), None)


@section
class KpiCfg(_Section):
    """Targets of the KPI scorecard (manual ch.7, digest §7.2). 0 for a count or an amount
    target means "no target set"."""

    target_avg_wait_minutes: Annotated[float, Limits(gt=0)] = 10.0
    target_max_wait_minutes: Annotated[float, Limits(gt=0)] = 30.0
    target_cash_wait_minutes: Annotated[float, Limits(gt=0)] = 10.0
    # cash-counter transaction time
    target_avg_service_minutes: Annotated[float, Limits(gt=0)] = 8.0
    # premium arrival → CM accepts
    target_cm_response_minutes: Annotated[float, Limits(gt=0)] = 5.0
    target_first_contact_resolution_pct: Annotated[float, Limits(ge=0, le=100)] = 80.0
    target_complaint_close_days: Annotated[int, Limits(ge=1)] = 15
    target_complaint_in_time_pct: Annotated[float, Limits(ge=0, le=100)] = 100.0
    target_appearance_compliance_pct: Annotated[float, Limits(ge=0, le=100)] = 100.0
    target_product_test_pass_pct: Annotated[float, Limits(ge=0, le=100)] = 90.0
    products_threshold: Annotated[int, Limits(ge=1)] = 4
    target_premium_with_products_pct: Annotated[float, Limits(ge=0, le=100)] = 40.0
    target_new_premium_clients: Annotated[int, Limits(ge=0)] = 0      # per month
    target_agency_income_yuan: Annotated[float, Limits(ge=0)] = 0.0   # per month
    appearance_procedure: str = "head_appearance_check"
    appearance_checked_step: str = "checked"       # number step: staff checked
    appearance_compliant_step: str = "compliant"   # number step: staff fully compliant


@section
class DualRecordingCfg(_Section):
    """[compliance.dual_recording]: the sales that need a dual recording (双录) before they
    complete, as data (issue 17). A sale needs one when any of these names it. Regulatory
    practice, not our manual's text: 《银行业金融机构销售专区录音录像管理暂行规定》(银监办发〔2017〕110号)."""

    #: product codes of the shelf whose every sale is recorded; "*" = every product
    products: list[str] = field(default_factory=list)
    #: products of this risk level (R) or above are recorded; 0 = none by level
    from_product_level: Annotated[int, Limits(ge=0, le=5)] = 0
    #: any sale to a client aged [compliance] senior_age or more
    senior: bool = False
    #: a client's first purchase (no earlier sale of any product on record)
    first_purchase: bool = False


@section
class ComplianceCfg(_Section):
    """[compliance]: the rules at the point of sale (suitability, authorisation on the day's sum,
    large cash). See README "Compliance at the point of sale" for their regulatory basis."""

    #: business types that are sales of a wealth product (checked for suitability)
    sale_business_types: list[str] = field(default_factory=lambda: ["wealth_product"])
    #: highest product level (R) allowed with no assessment or an expired one
    unassessed_max_level: Annotated[int, Limits(ge=1, le=5)] = 1
    senior_age: Annotated[int, Limits(ge=18, le=120)] = 65
    #: the highest product level a client aged senior_age or more may buy
    senior_max_level: Annotated[int, Limits(ge=1, le=5)] = 3
    #: authorisation limits apply to the day's sum per client and business type (and per ticket)
    authorization_on_daily_sum: bool = True
    #: sales above the client's level the branch allows explicitly, with the client's signed
    #: acknowledgement on file: [client_level, product_level] pairs, e.g. [[4, 5]]; none by default
    exceptions: list[list[int]] = field(default_factory=list)
    #: the risk-tolerance questionnaire (TOML, the shape of data/compliance/questionnaire.toml);
    #: empty: the one shipped with the program
    questionnaire_file: str = ""
    #: the sales that need a dual recording (双录)
    dual_recording: DualRecordingCfg = field(default_factory=DualRecordingCfg)

    def __post_init__(self) -> None:
        for pair in self.exceptions:
            if len(pair) != 2 or not all(1 <= x <= 5 for x in pair) or pair[1] <= pair[0]:
                raise ValueError("exceptions: each is [client_level, product_level], levels 1..5, "
                                 "the product's above the client's")


@section
class AntifraudRuleCfg(_Section):
    """[[antifraud.rules]]: a business type asked about from an amount, or for a new payee."""

    business_type: str
    #: asked from this amount (fen); absent: the amount alone never asks
    min_amount_fen: Annotated[int, Limits(ge=0)] | None = None
    #: asked when the payee named is one the client has not paid before (transfers)
    new_payee: bool = False


@section
class AntifraudCfg(_Section):
    """[antifraud]: the anti-fraud questions (反诈提醒, issue 17) before large transfers and
    withdrawals or a transfer to a new payee; see data/compliance/antifraud.toml for the basis."""

    enabled: bool = True
    #: the questions (TOML, the shape of data/compliance/antifraud.toml); empty: the shipped one
    questions_file: str = ""
    rules: list[AntifraudRuleCfg] = field(default_factory=list)

    def __post_init__(self) -> None:
        codes = [r.business_type for r in self.rules]
        if len(set(codes)) != len(codes):
            raise ValueError("antifraud.rules: one rule per business_type")

    def rule_for(self, business_type: str) -> AntifraudRuleCfg | None:
        return next((r for r in self.rules if r.business_type == business_type), None)


@section
class HeadCfg(_Section):
    """The head's dashboard and end of day."""

    # same weekday, this many weeks back
    arrivals_history_weeks: Annotated[int, Limits(ge=1, le=52)] = 8
    flow_log_confirm_required: bool = True  # closing needs the lobby manager's confirmation
    #: daily procedures not required for the close (the head's own end of day ends with it)
    close_exempt_procedures: list[str] = field(default_factory=lambda: ["head_end_of_day"])


@section
class OwnershipCfg(_Section):
    """Who owns a client or a lead (issue 16): entitlement to an exclusive CM, how leads without a
    named CM are spread over the CMs in today's roster, and when a sale converts a lead."""

    #: a client holding an open card or account of one of these products is entitled to an
    #: exclusive CM whatever the tier (manual ch.2 §5: 理财金账户卡 holders)
    exclusive_cm_products: list[str] = field(default_factory=lambda: ["理财金账户卡"])
    #: tiers entitled besides the premium ones (codes of [[tiers]])
    exclusive_cm_tiers: list[str] = field(default_factory=list)
    #: leads and referrals without a named CM: `fewest_open` (the CM in today's roster with the
    #: fewest open leads and hand-offs) or `round_robin` (in turn, by staff number)
    lead_distribution: Literal["fewest_open", "round_robin"] = "fewest_open"
    #: a lead for later is followed up this many days after it is raised
    lead_follow_up_days: Annotated[int, Limits(ge=1, le=90)] = 7
    #: a sale converts the client's lead or referral raised at most this many days before
    conversion_window_days: Annotated[int, Limits(ge=1, le=366)] = 90
    #: counter business types that are a sale (a wealth product bought at the counter)
    sale_business_types: list[str] = field(default_factory=lambda: ["wealth_product"])


@section
class ProceduresCfg(_Section):
    """Where the manual's procedures are read from (see wealthtui.procedures)."""

    dir: str = ""  # a folder of <id>.toml files; empty = the shipped data/procedures


@section
class CashboxCfg(_Section):
    """[cashbox]: the teller's box: opening cash at sign-on, calling before the sign-on check."""

    # counter kinds whose first sign-on of the day needs an opening cash above 0
    opening_cash_required: list[Literal["cash", "non_cash"]] = field(
        default_factory=lambda: ["cash"])
    # refuse calling tickets while a required step of the sign-on checklist is open
    calls_need_sign_on_checklist: bool = True


@section
class InsidersCfg(_Section):
    """[insiders]: the sign-in throttle of a terminal, one-time PINs after a reset, who may
    approve a grant of the head or supervisor role (issue 15, services.auth / services.staff)."""

    terminal: str = ""  # this terminal's name for the throttle; empty = the machine's host name
    remote: str = ""  # the browser's address, set per session by `wealthtui serve` (WEALTHTUI_REMOTE)
    free_failures: Annotated[int, Limits(ge=1)] = 3  # wrong PINs at a terminal before it waits
    first_wait_seconds: Annotated[int, Limits(ge=1)] = 5  # then doubled at each wrong PIN
    max_wait_seconds: Annotated[int, Limits(ge=1)] = 300
    one_time_pin_hours: Annotated[int, Limits(ge=1, le=168)] = 24
    one_time_pin_length: Annotated[int, Limits(ge=6, le=12)] = 8
    grant_approver_roles: list[str] = field(default_factory=lambda: ["head", "supervisor"])
    administrators: list[str] = field(default_factory=list)  # staff numbers who may approve too

    def __post_init__(self) -> None:
        from wealthtui.rules.permissions import ROLES

        unknown = sorted(set(self.grant_approver_roles) - set(ROLES))
        if unknown:
            raise ValueError(f"insiders.grant_approver_roles: unknown role {', '.join(unknown)}")


@section
class PrinterCfg(_Section):
    """[printer]: the lobby's ticket printer (ESC/POS, see wealthtui.devices.printer)."""

    kind: Literal["none", "network", "file", "serial"] = "none"
    host: str = ""                 # network: the printer's address (raw TCP, usually port 9100)
    port: Annotated[int, Limits(ge=1, le=65535)] = 9100
    path: str = ""                 # file: a device or file (/dev/usb/lp0); serial: /dev/ttyUSB0
    baudrate: Annotated[int, Limits(ge=1200)] = 9600  # serial only
    timeout_seconds: Annotated[float, Limits(gt=0, le=60)] = 5.0
    encoding: Literal["gb18030", "gbk"] = "gb18030"  # how Chinese is sent in Chinese mode
    width: Annotated[int, Limits(ge=24, le=64)] = 32  # characters per line (CJK count 2)
    reminder: str = "请留意叫号，过号请重新取号。"   # printed under the ticket
    reminder_en: str = "Please listen for your number; a missed number needs a new ticket."

    def __post_init__(self) -> None:
        if self.kind == "network" and not self.host.strip():
            raise ValueError("printer.host: required when kind = \"network\"")
        if self.kind in ("file", "serial") and not self.path.strip():
            raise ValueError(f"printer.path: required when kind = \"{self.kind}\"")


@section
class NoticesCfg(_Section):
    """[notices]: written notices and how the outbox is sent (see wealthtui.notices)."""

    sender: Literal["log", "smtp", "webhook"] = "log"
    max_attempts: Annotated[int, Limits(ge=1, le=50)] = 8
    retry_seconds: Annotated[int, Limits(ge=1)] = 60   # first retry; doubled after each failure
    retry_max_seconds: Annotated[int, Limits(ge=1)] = 3600
    flush_minutes: Annotated[int, Limits(ge=0, le=120)] = 5  # the app sends due notices; 0 = off
    timeout_seconds: Annotated[float, Limits(gt=0, le=120)] = 10.0
    dir: str = ""                  # folder of notice templates; "" = the shipped data/notices
    center_phone: str = "95588"    # the telephone number the notices give
    smtp_host: str = ""
    smtp_port: Annotated[int, Limits(ge=1, le=65535)] = 25
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password_env: str = "WEALTHTUI_SMTP_PASSWORD"  # the password is read from this variable
    smtp_from: str = ""
    smtp_to: str = ""              # the mailbox or SMS gateway that takes the center's notices
    webhook_url: str = ""          # e.g. an enterprise messaging robot's https://…/send?key=…

    def __post_init__(self) -> None:
        if self.sender == "smtp" and not (self.smtp_host and self.smtp_from and self.smtp_to):
            raise ValueError("notices: smtp_host, smtp_from and smtp_to are required for smtp")
        if self.sender == "webhook" and not self.webhook_url.startswith(("http://", "https://")):
            raise ValueError("notices.webhook_url: an http:// or https:// URL is required")


@section
class CalendarCfg(_Section):
    """[calendar]: the days and hours the center is open (see rules.clock.OpenDays)."""

    open_weekdays: list[Annotated[int, Limits(ge=1, le=7)]] = field(
        default_factory=lambda: [1, 2, 3, 4, 5])  # ISO: 1 = Monday … 7 = Sunday
    opens: str = "09:00"  # local time, HH:MM
    closes: str = "17:00"
    national_holidays: bool = True  # chinese-calendar: statutory holidays off, make-up days on
    unknown_years: Literal["weekdays", "refuse"] = "weekdays"  # a year it does not know

    def __post_init__(self) -> None:
        if not self.open_weekdays:
            raise ValueError("calendar.open_weekdays: at least one day (1 = Monday … 7 = Sunday)")
        if len(set(self.open_weekdays)) != len(self.open_weekdays):
            raise ValueError("calendar.open_weekdays: a day is listed twice")
        hours = []
        for name in ("opens", "closes"):
            value = getattr(self, name)
            try:
                if len(value) != 5:
                    raise ValueError(value)
                hours.append(dt_time.fromisoformat(value))
            except ValueError:
                raise ValueError(f'calendar.{name}: a local time like "09:00" (got {value!r})'
                                 ) from None
        if hours[0] >= hours[1]:
            raise ValueError("calendar.opens must be before calendar.closes")

    def open_days(self) -> OpenDays:
        from wealthtui.rules.clock import OpenDays  # chinese-calendar only when asked

        return OpenDays(frozenset(self.open_weekdays), dt_time.fromisoformat(self.opens),
                        dt_time.fromisoformat(self.closes), self.national_holidays,
                        self.unknown_years)


@section
class ReadsCfg(_Section):
    """[reads]: how much the screens read at a time (issue 22: reads proportional to what is
    shown)."""

    #: today's visits the lobby's board reads and lists, newest first (the count is of all)
    lobby_visits: Annotated[int, Limits(ge=10, le=5000)] = 200
    #: today's premium arrivals the lobby's board reads and lists (the open ones kept first)
    lobby_arrivals: Annotated[int, Limits(ge=10, le=5000)] = 50
    #: clients without their exclusive CM the head's staff tab lists, largest assets first
    head_exceptions: Annotated[int, Limits(ge=10, le=5000)] = 200
    #: waiting tickets a counter's queue list reads and lists, in calling order (counts all)
    counter_queue: Annotated[int, Limits(ge=5, le=5000)] = 40


@section
class AppointmentPurposeCfg(_Section):
    """[[appointments.purposes]]: what an appointment is for: its lane at check-in, whether it is
    a large cash withdrawal (amount and denominations; the cash supervisor prepares it), and its
    default length."""

    code: str
    name: str
    name_en: str
    lane: str                      # the queue category its check-in ticket is issued in
    business: Literal["cash", "non_cash", "wealth"] = "non_cash"  # the visit's business kind
    large_cash: bool = False
    minutes: Annotated[int, Limits(ge=5, le=480)] = 30


@section
class AppointmentsCfg(_Section):
    """[appointments]: appointments (issue 18): purposes, lateness, no-shows, large cash."""

    late_minutes: Annotated[int, Limits(ge=0, le=240)] = 15   # after the start: a late arrival
    no_show_grace_minutes: Annotated[int, Limits(ge=0, le=240)] = 30  # after the end
    #: a cash withdrawal from this amount is "large cash": booked the day before so the
    #: supervisor can prepare it (the counter records the appointment that covers it)
    large_cash_fen: Annotated[int, Limits(ge=0)] = 5_000_000
    #: true: the counter refuses a large cash withdrawal without a checked-in appointment of the
    #: client that day; false: it records the appointment that covers it, when there is one
    large_cash_needs_appointment: bool = False
    purposes: list[AppointmentPurposeCfg] = field(default_factory=list)

    def __post_init__(self) -> None:
        codes = [p.code for p in self.purposes]
        if len(set(codes)) != len(codes):
            raise ValueError("appointments.purposes: codes must be unique")

    def purpose(self, code: str) -> AppointmentPurposeCfg | None:
        return next((p for p in self.purposes if p.code == code), None)


@section
class Settings(_Section):
    """All the settings: one field per top-level table of the configuration file."""

    center: CenterCfg
    ui: UiCfg
    security: SecurityCfg
    store: StoreCfg
    tiers: list[TierCfg]
    zones: dict[str, ZoneCfg]
    queue: QueueCfg
    counters: list[CounterCfg]
    handoffs: HandoffCfg
    counter: CounterWorkCfg
    authorization: AuthorizationCfg
    complaints: ComplaintsCfg
    contact: ContactCfg
    kpi: KpiCfg
    head: HeadCfg = field(default_factory=HeadCfg)
    antifraud: AntifraudCfg = field(default_factory=AntifraudCfg)
    procedures: ProceduresCfg = field(default_factory=ProceduresCfg)
    ownership: OwnershipCfg = field(default_factory=OwnershipCfg)
    cashbox: CashboxCfg = field(default_factory=CashboxCfg)
    insiders: InsidersCfg = field(default_factory=InsidersCfg)
    printer: PrinterCfg = field(default_factory=PrinterCfg)
    notices: NoticesCfg = field(default_factory=NoticesCfg)
    compliance: ComplianceCfg = field(default_factory=ComplianceCfg)
    calendar: CalendarCfg = field(default_factory=CalendarCfg)
    reads: ReadsCfg = field(default_factory=ReadsCfg)
    appointments: AppointmentsCfg = field(default_factory=AppointmentsCfg)
    config_file: str = ""  # the user config file that was read, for `wealthtui locate`

    def __post_init__(self) -> None:
        self._tiers_ascending()
        self._counter_refs()
        self._queue_refs()
        self._ownership_refs()
        self._appointment_refs()

    def _tiers_ascending(self) -> None:
        mins = [t.min_aum_fen for t in self.tiers]
        if not self.tiers or mins != sorted(mins):
            raise ValueError("tiers must be listed lowest first, by min_aum_fen")

    def _counter_refs(self) -> None:
        """Business types and authorisation rules name categories and types that exist."""
        categories = {c.code for c in self.queue.categories}
        types = {b.code for b in self.counter.business_types}
        for b in self.counter.business_types:
            if set(b.categories) - categories:
                raise ValueError(f"counter.business_types {b.code}: unknown category "
                                 f"{', '.join(sorted(set(b.categories) - categories))}")
        for r in self.authorization.rules:
            if r.business_type not in types:
                raise ValueError(f"authorization.rules: unknown business_type {r.business_type}")
        for code in self.compliance.sale_business_types:
            if code not in types:
                raise ValueError(f"compliance.sale_business_types: unknown business_type {code}")
        for rule in self.antifraud.rules:
            if rule.business_type not in types:
                raise ValueError(f"antifraud.rules: unknown business_type {rule.business_type}")
        shelf = {p.code for p in self.contact.products} | {"*"}
        unknown = sorted(set(self.compliance.dual_recording.products) - shelf)
        if unknown:
            raise ValueError(f"compliance.dual_recording.products: unknown product "
                             f"{', '.join(unknown)}")

    def _queue_refs(self) -> None:
        """Categories and counters name zones and categories that exist; counter numbers unique."""
        codes = {c.code for c in self.queue.categories}
        for c in self.queue.categories:
            if c.zone not in self.zones:
                raise ValueError(f"queue.categories {c.code}: unknown zone {c.zone}")
        nos = [c.no for c in self.counters]
        if len(set(nos)) != len(nos):
            raise ValueError("counters: numbers must be unique")
        for counter in self.counters:
            if counter.zone not in self.zones:
                raise ValueError(f"counters {counter.no}: unknown zone {counter.zone}")
            if not counter.categories or set(counter.categories) - codes:
                raise ValueError(f"counters {counter.no}: categories must be among "
                                 f"{', '.join(sorted(codes))}")
        for zone in ("self_service",):
            if zone not in self.zones:
                raise ValueError(f"zones: a {zone} zone is required")
        if not any(t.premium for t in self.tiers):
            raise ValueError("tiers: at least one tier must be premium")

    def _ownership_refs(self) -> None:
        """[ownership] names tiers and business types that exist."""
        tiers = {t.code for t in self.tiers}
        unknown = sorted(set(self.ownership.exclusive_cm_tiers) - tiers)
        if unknown:
            raise ValueError(f"ownership.exclusive_cm_tiers: unknown tier {', '.join(unknown)}")
        types = {b.code for b in self.counter.business_types}
        unknown = sorted(set(self.ownership.sale_business_types) - types)
        if unknown:
            raise ValueError(f"ownership.sale_business_types: unknown business type "
                             f"{', '.join(unknown)}")

    def _appointment_refs(self) -> None:
        """[[appointments.purposes]] name lanes that exist."""
        codes = {c.code for c in self.queue.categories}
        for p in self.appointments.purposes:
            if p.lane not in codes:
                raise ValueError(f"appointments.purposes {p.code}: unknown lane {p.lane}")

    def waiting_zone(self) -> str:
        """The zone where clients wait: consultation (standard) or reception (high-end)."""
        kind = self.center.kind
        for code, zone in self.zones.items():
            if code in ("consultation", "reception") and kind in zone.centers:
                return code
        return next(iter(self.zones))

    # --- lookups used all over -------------------------------------------------------------
    def tier(self, code: str) -> TierCfg | None:
        return next((t for t in self.tiers if t.code == code), None)

    def category(self, code: str) -> CategoryCfg | None:
        return next((c for c in self.queue.categories if c.code == code), None)

    def counter_cfg(self, no: str) -> CounterCfg | None:
        return next((c for c in self.counters if c.no == no), None)

    def business_type(self, code: str) -> BusinessTypeCfg | None:
        return next((b for b in self.counter.business_types if b.code == code), None)


class ConfigError(Exception):
    """A configuration file or value is wrong; the message says where and what."""


# Environment variables that map onto settings (besides WEALTHTUI_CONFIG for the file itself).
ENV_MAP: dict[str, tuple[str, str]] = {
    "WEALTHTUI_DB": ("store", "db"),
    "WEALTHTUI_LANG": ("ui", "language"),
    "WEALTHTUI_IDLE_LOCK_MINUTES": ("ui", "idle_lock_minutes"),
    "WEALTHTUI_TIMEZONE": ("center", "timezone"),
    # set by `wealthtui serve` for each browser session (ui/serve.py): its own throttle
    "WEALTHTUI_TERMINAL": ("insiders", "terminal"),
    "WEALTHTUI_REMOTE": ("insiders", "remote"),
}


def user_config_file() -> Path:
    env = os.environ.get("WEALTHTUI_CONFIG")
    return Path(env) if env else user_config_path(APP_NAME) / "config.toml"


def user_data_dir() -> Path:
    env = os.environ.get("WEALTHTUI_DATA_DIR")
    return Path(env) if env else user_data_path(APP_NAME)


def default_db_path() -> Path:
    return user_data_dir() / "wealthtui.db"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def load_settings(
    *,
    config_file: Path | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build the settings from the four layers. `overrides` are the command-line flags."""
    env = os.environ if environ is None else environ
    raw = read_toml(data_file("config", "default.toml"))
    path = config_file or (Path(env["WEALTHTUI_CONFIG"]) if env.get("WEALTHTUI_CONFIG") else None)
    path = path or user_config_file()
    if path.is_file():
        raw = _merge(raw, _read_toml(path))
        raw["config_file"] = str(path)
    for var, (section, key) in ENV_MAP.items():
        if env.get(var):
            raw.setdefault(section, {})[key] = env[var]
    for section, values in (overrides or {}).items():
        raw[section] = _merge(raw.get(section, {}), {k: v for k, v in values.items() if v is not None})
    try:
        key = cache_key([_schema_stamp(), raw])
    except (TypeError, ValueError):  # not JSON (a TOML date): validated, not cached
        key = None
    if key is not None and (kept := read_cached("settings", key)) is not None:
        try:
            settings = _rebuild(kept)
            if isinstance(settings, Settings):
                return settings
        except (TypeError, ValueError, KeyError, AttributeError):
            pass  # an unreadable entry: validate again
    settings = _validate(raw, path)
    if key is not None:
        write_cached("settings", key, _dump(settings), keep=SETTINGS_CACHE_KEEP)
    return settings


#: how many validated settings the cache keeps (one per distinct command line and environment)
SETTINGS_CACHE_KEEP = 16


def _validate(raw: dict[str, Any], path: Path) -> Settings:
    from pydantic import ValidationError

    try:
        return _validator().validate_python(raw)  # type: ignore[no-any-return]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = UNKNOWN_KEY if first["type"] == "unexpected_keyword_argument" else first["msg"]
        raise ConfigError(f"{path if path.is_file() else 'config'}: {where}: {message}") from exc


#: what a key that is not a setting is called in the error (pydantic's words for models)
UNKNOWN_KEY = "Extra inputs are not permitted"


@cache
def _validator() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Settings)


@cache
def _schema_stamp() -> list[Any]:
    """What validation depends on besides the input: this module, the roles (checked in
    authorisation rules) and the installed pydantic."""
    import importlib.util

    here = Path(__file__)
    spec = importlib.util.find_spec("pydantic")
    pydantic = Path(spec.origin).with_name("version.py") if spec and spec.origin else None
    return [stamp(here), stamp(here.with_name("rules") / "permissions.py"),
            stamp(pydantic) if pydantic is not None else None]


def _dump(value: Any) -> Any:
    """Validated settings as JSON: a section is {"s": class name, "f": fields}, a mapping is
    {"d": items} (so a key in the user's own tables never reads as a section)."""
    if isinstance(value, _Section):
        return {"s": type(value).__name__,
                "f": {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, dict):
        return {"d": {k: _dump(v) for k, v in value.items()}}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def _rebuild(value: Any) -> Any:
    """The settings `_dump` wrote (the sections' own checks run again as they are made)."""
    if isinstance(value, list):
        return [_rebuild(v) for v in value]
    if isinstance(value, dict):
        if "s" in value:
            return _SECTIONS[value["s"]](**{k: _rebuild(v) for k, v in value["f"].items()})
        return {k: _rebuild(v) for k, v in value["d"].items()}
    return value


_SECTIONS: dict[str, type[_Section]] = {c.__name__: c for c in _Section.__subclasses__()}
