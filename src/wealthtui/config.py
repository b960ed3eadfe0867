"""Settings: data/config/default.toml < user config file < WEALTHTUI_* environment < flags.

Everything a branch would change lives here, typed and validated, never in code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_path, user_data_path
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from wealthtui.resources import data_file, read_toml

APP_NAME = "wealthtui"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CenterCfg(_Section):
    name: str
    name_en: str
    code: str
    timezone: str = "Asia/Shanghai"
    kind: Literal["standard", "high_end"] = "standard"


class UiCfg(_Section):
    language: Literal["zh_CN", "en"] = "zh_CN"
    idle_lock_minutes: int = Field(10, ge=1, le=15)
    refresh_seconds: float = Field(1, gt=0, le=10)
    theme: str = "textual-dark"
    blink_cursor: bool = True
    keymap: dict[str, str] = {}


class SecurityCfg(_Section):
    max_failed_pins: int = Field(5, ge=1)
    lockout_minutes: int = Field(15, ge=1)
    pin_min_length: int = Field(6, ge=4)
    pin_max_length: int = Field(12, ge=4)
    id_mask_head: int = Field(6, ge=0)
    id_mask_tail: int = Field(4, ge=0)
    phone_mask_head: int = Field(3, ge=0)
    phone_mask_tail: int = Field(4, ge=0)
    card_mask_head: int = Field(4, ge=0)
    card_mask_tail: int = Field(4, ge=0)
    # argon2id cost of PIN hashes; existing hashes are upgraded at the next sign-in
    pin_hash_time_cost: int = Field(3, ge=1)
    pin_hash_memory_kib: int = Field(65536, ge=64)
    pin_hash_parallelism: int = Field(4, ge=1)


class StoreCfg(_Section):
    db: str = ""
    busy_timeout_ms: int = Field(5000, ge=100)
    write_retries: int = Field(5, ge=0)
    backups_keep: int = Field(14, ge=1)


class TierCfg(_Section):
    code: str
    name: str
    name_en: str
    min_aum_fen: int = Field(ge=0)
    premium: bool


class ZoneCfg(_Section):
    name: str
    name_en: str
    # the kinds of center that have this zone (a high-end center has a reception, no consultation)
    centers: list[Literal["standard", "high_end"]] = ["standard", "high_end"]


class CategoryCfg(_Section):
    code: str
    prefix: str
    name: str
    name_en: str
    zone: str
    first: int = Field(ge=0)
    last: int = Field(ge=1)
    priority: int = 0


class RoutingCfg(_Section):
    """The lobby's routing table (manual digest §2.4): the category each route issues."""

    cash: str = "A"
    cash_premium: str = "C"
    non_cash: str = "B"
    wealth: str = "B"
    premium: str = "V"
    large_cash_fen: int = Field(5_000_000, ge=0)
    self_service_cash_max_fen: int = Field(0, ge=0)  # 0: never propose the machines for cash


class QueueCfg(_Section):
    starvation_minutes: int = Field(20, ge=1)
    recall_limit: int = Field(2, ge=0)
    printer_command: str = ""
    board_recent_calls: int = Field(6, ge=1, le=20)
    categories: list[CategoryCfg]
    routing: RoutingCfg = RoutingCfg()

    @model_validator(mode="after")
    def _consistent(self) -> QueueCfg:
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
        return self


class CounterCfg(_Section):
    no: str
    zone: str
    kind: Literal["cash", "non_cash"]
    categories: list[str]


class HandoffCfg(_Section):
    arrival_late_minutes: int = Field(5, ge=1)
    default_due_minutes: int = Field(30, ge=1)
    expire_after_hours: int = Field(24, ge=1)


class BusinessTypeCfg(_Section):
    code: str
    name: str
    name_en: str
    categories: list[str]
    cash: Literal["in", "out", "none"]
    premium_signal: bool = False   # a large amount suggests a referral to a CM
    account_closing: bool = False  # a premium client's closing needs the CM told and a retention try


class VoucherKindCfg(_Section):
    code: str
    name: str
    name_en: str


class CounterWorkCfg(_Section):
    premium_signal_amount_fen: int = Field(5_000_000, ge=0)
    sign_on_procedure: str = ""
    denominations_fen: list[int] = Field(
        default=[10000, 5000, 2000, 1000, 500, 100, 50, 10], min_length=1)
    witness_reasons: list[Literal["shift", "leave", "transfer"]] = ["leave", "transfer"]
    voucher_kinds: list[VoucherKindCfg] = []
    business_types: list[BusinessTypeCfg]

    @field_validator("denominations_fen")
    @classmethod
    def _positive_distinct(cls, values: list[int]) -> list[int]:
        if any(v <= 0 for v in values) or len(set(values)) != len(values):
            raise ValueError("denominations must be distinct positive amounts in fen")
        return sorted(values, reverse=True)

    def voucher_kind(self, code: str) -> VoucherKindCfg | None:
        return next((v for v in self.voucher_kinds if v.code == code), None)


class AuthzRuleCfg(_Section):
    business_type: str
    min_amount_fen: int = Field(0, ge=0)
    checker_roles: list[str] = Field(min_length=1)

    @field_validator("checker_roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        from wealthtui.rules.permissions import ROLES

        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown roles {', '.join(unknown)}; accepted: {', '.join(ROLES)}")
        return roles


class AuthorizationCfg(_Section):
    rules: list[AuthzRuleCfg] = []

    def rule_for(self, business_type: str, amount_fen: int) -> AuthzRuleCfg | None:
        """The rule that governs a business: of those matching its type whose minimum the amount
        reaches, the one with the highest minimum. None: no authorisation needed."""
        matching = [r for r in self.rules
                    if r.business_type == business_type and amount_fen >= r.min_amount_fen]
        return max(matching, key=lambda r: r.min_amount_fen, default=None)


class ComplaintSubcategoryCfg(_Section):
    code: str
    name: str
    name_en: str


class ComplaintCategoryCfg(_Section):
    code: str
    name: str
    name_en: str
    subcategories: list[ComplaintSubcategoryCfg] = []


class ComplaintChannelCfg(_Section):
    code: str
    name: str
    name_en: str
    forwarded: bool = False  # forwarded by an upper level or a regulator: has an outside reference


class ComplaintsCfg(_Section):
    decision_days: int = Field(15, ge=1)
    extension_days: int = Field(30, ge=1)  # the limit after one extension, from the same start
    further_extension_days: int = Field(30, ge=1)  # added by a further, head-approved extension
    working_days: bool = False
    warn_days: int = Field(3, ge=0)
    ref_prefix: str = Field("TS", min_length=1, max_length=4)
    channels: list[ComplaintChannelCfg] = Field(min_length=1)
    categories: list[ComplaintCategoryCfg] = Field(min_length=1)

    @field_validator("channels", "categories")
    @classmethod
    def _unique_codes(cls, items: list[Any]) -> list[Any]:
        codes = [i.code for i in items]
        if len(codes) != len(set(codes)):
            raise ValueError("codes must be unique")
        for item in items:
            subs = [s.code for s in getattr(item, "subcategories", [])]
            if len(subs) != len(set(subs)):
                raise ValueError(f"sub-category codes of {item.code} must be unique")
        return items

    def channel(self, code: str) -> ComplaintChannelCfg | None:
        return next((c for c in self.channels if c.code == code), None)

    def category(self, code: str) -> ComplaintCategoryCfg | None:
        return next((c for c in self.categories if c.code == code), None)


class FestivalCfg(_Section):
    code: str
    name: str
    name_en: str
    calendar: Literal["solar", "lunar"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    lead_workdays: int = Field(1, ge=0, le=20)


class ProductCfg(_Section):
    code: str = Field(min_length=1, max_length=30)
    name: str
    name_en: str
    risk_level: int = Field(ge=1, le=5)  # R1..R5


class ContactCfg(_Section):
    risk_assessment_valid_days: int = Field(365, ge=1)
    risk_expiry_warn_days: int = Field(30, ge=0)
    maturity_days_ahead: int = Field(5, ge=0)
    no_contact_alert_days: int = Field(90, ge=1)
    cm_change_first_contact_days: int = Field(30, ge=1)
    followup_default_days: int = Field(7, ge=1)
    portfolio_min: int = Field(100, ge=0)
    portfolio_max: int = Field(200, ge=1)
    portfolio_roles: list[str] = ["wealth_cm"]
    near_premium_pct: int = Field(80, ge=1, le=100)
    cadence_days: dict[str, int] = {}
    festivals: list[FestivalCfg] = []
    products: list[ProductCfg] = []

    @field_validator("cadence_days")
    @classmethod
    def _positive_cadence(cls, value: dict[str, int]) -> dict[str, int]:
        bad = sorted(k for k, v in value.items() if v < 1)
        if bad:
            raise ValueError(f"cadence_days must be at least 1 day: {', '.join(bad)}")
        return value

    @field_validator("products")
    @classmethod
    def _unique_products(cls, value: list[ProductCfg]) -> list[ProductCfg]:
        codes = [p.code for p in value]
        if len(codes) != len(set(codes)):
            raise ValueError("product codes must be unique")
        return value

    @model_validator(mode="after")
    def _portfolio_range(self) -> ContactCfg:
        if self.portfolio_min > self.portfolio_max:
            raise ValueError("portfolio_min must not exceed portfolio_max")
        return self

    def product(self, code: str) -> ProductCfg | None:
        return next((p for p in self.products if p.code == code), None)


class KpiCfg(_Section):
    """Targets of the KPI scorecard (manual ch.7, digest §7.2). 0 for a count or an amount
    target means "no target set"."""

    target_avg_wait_minutes: float = Field(10, gt=0)
    target_max_wait_minutes: float = Field(30, gt=0)
    target_cash_wait_minutes: float = Field(10, gt=0)
    target_avg_service_minutes: float = Field(8, gt=0)   # cash-counter transaction time
    target_cm_response_minutes: float = Field(5, gt=0)   # premium arrival → CM accepts
    target_first_contact_resolution_pct: float = Field(80, ge=0, le=100)
    target_complaint_close_days: int = Field(15, ge=1)
    target_complaint_in_time_pct: float = Field(100, ge=0, le=100)
    target_appearance_compliance_pct: float = Field(100, ge=0, le=100)
    target_product_test_pass_pct: float = Field(90, ge=0, le=100)
    products_threshold: int = Field(4, ge=1)
    target_premium_with_products_pct: float = Field(40, ge=0, le=100)
    target_new_premium_clients: int = Field(0, ge=0)      # per month
    target_agency_income_yuan: float = Field(0, ge=0)    # per month
    appearance_procedure: str = "head_appearance_check"
    appearance_checked_step: str = "checked"       # number step: staff checked
    appearance_compliant_step: str = "compliant"   # number step: staff fully compliant


class HeadCfg(_Section):
    """The head's dashboard and end of day."""

    arrivals_history_weeks: int = Field(8, ge=1, le=52)  # same weekday, this many weeks back
    flow_log_confirm_required: bool = True  # closing needs the lobby manager's confirmation
    #: daily procedures not required for the close (the head's own end of day ends with it)
    close_exempt_procedures: list[str] = ["head_end_of_day"]


class ProceduresCfg(_Section):
    """Where the manual's procedures are read from (see wealthtui.procedures)."""

    dir: str = ""  # a folder of <id>.toml files; empty = the shipped data/procedures


class Settings(_Section):
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
    head: HeadCfg = HeadCfg()
    procedures: ProceduresCfg = ProceduresCfg()
    config_file: str = ""  # the user config file that was read, for `wealthtui locate`

    @model_validator(mode="after")
    def _counter_refs(self) -> Settings:
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
        return self

    @model_validator(mode="after")
    def _queue_refs(self) -> Settings:
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
        return self

    def waiting_zone(self) -> str:
        """The zone where clients wait: consultation (standard) or reception (high-end)."""
        kind = self.center.kind
        for code, zone in self.zones.items():
            if code in ("consultation", "reception") and kind in zone.centers:
                return code
        return next(iter(self.zones))

    @field_validator("tiers")
    @classmethod
    def _tiers_ascending(cls, tiers: list[TierCfg]) -> list[TierCfg]:
        mins = [t.min_aum_fen for t in tiers]
        if not tiers or mins != sorted(mins):
            raise ValueError("tiers must be listed lowest first, by min_aum_fen")
        return tiers

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
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path if path.is_file() else 'config'}: {where}: {first['msg']}") from exc
