"""Settings: data/config/default.toml < user config file < WEALTHTUI_* environment < flags.

Everything a branch would change lives here, typed and validated, never in code.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_path, user_data_path
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wealthtui.resources import data_file

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
    refresh_seconds: float = Field(2, gt=0, le=10)
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


class CategoryCfg(_Section):
    code: str
    prefix: str
    name: str
    name_en: str
    zone: str
    first: int = Field(ge=0)
    last: int = Field(ge=1)
    priority: int = 0


class QueueCfg(_Section):
    starvation_minutes: int = Field(20, ge=1)
    recall_limit: int = Field(2, ge=0)
    printer_command: str = ""
    categories: list[CategoryCfg]


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


class CounterWorkCfg(_Section):
    premium_signal_amount_fen: int = Field(5_000_000, ge=0)
    business_types: list[BusinessTypeCfg]


class AuthzRuleCfg(_Section):
    business_type: str
    min_amount_fen: int = Field(0, ge=0)
    checker_roles: list[str]


class AuthorizationCfg(_Section):
    rules: list[AuthzRuleCfg] = []


class ComplaintsCfg(_Section):
    decision_days: int = Field(15, ge=1)
    extension_days: int = Field(30, ge=1)
    further_extension_days: int = Field(30, ge=1)
    working_days: bool = False
    warn_days: int = Field(3, ge=0)


class ContactCfg(_Section):
    risk_assessment_valid_days: int = Field(365, ge=1)
    maturity_days_ahead: int = Field(5, ge=0)
    no_contact_alert_days: int = Field(90, ge=1)
    cm_change_first_contact_days: int = Field(30, ge=1)
    portfolio_min: int = Field(100, ge=0)
    portfolio_max: int = Field(200, ge=1)
    cadence_days: dict[str, int] = {}


class KpiCfg(_Section):
    target_avg_wait_minutes: float = 10
    target_max_wait_minutes: float = 30
    target_avg_service_minutes: float = 8
    target_first_contact_resolution_pct: float = 80
    target_complaint_close_days: float = 15
    target_appearance_compliance_pct: float = 100
    products_threshold: int = 4
    target_premium_with_products_pct: float = 40


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
    config_file: str = ""  # the user config file that was read, for `wealthtui locate`

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
    raw = _read_toml(data_file("config", "default.toml"))
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
