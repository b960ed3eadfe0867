"""The message catalogs: same keys in both languages, same placeholders, and every key the code
asks for exists. (That screens show no raw keys is checked after every UI test, in
tests/ui/conftest.py, through i18n.MISSING.)"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from wealthtui import i18n
from wealthtui.ui.bindings import CATALOG_KEY

SRC = Path(__file__).resolve().parents[1] / "src" / "wealthtui"
ERRORS_WITH_KEYS = {
    "ServiceError", "PermissionDenied", "NotFound", "Conflict", "StoreBusy", "AuthFailed",
}
FIELD_ERRORS = {"FieldError", "ValidationError"}


def placeholders(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys():
    zh, en = i18n.catalog("zh_CN"), i18n.catalog("en")
    assert sorted(set(zh) - set(en)) == [], "keys only in zh_CN.toml"
    assert sorted(set(en) - set(zh)) == [], "keys only in en.toml"


def test_each_singular_names_a_message_with_its_parameters():
    en = i18n.catalog("en")
    ones = i18n.singulars("en")
    assert "cm2.agenda.fold_count" in ones
    assert set(ones) <= set(en)
    # the same parameters, or fewer ("recorded once")
    assert [k for k, v in ones.items() if not placeholders(v) <= placeholders(en[k])] == []
    assert i18n.singulars("zh_CN") == {}


def test_english_plurals_follow_the_first_count(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(i18n, "_current", "en")
    assert i18n.t("cm2.agenda.fold_count", count=1) == "1 item"
    assert i18n.t("cm2.agenda.fold_count", count=0) == "0 items"
    assert i18n.t("cm2.agenda.fold_count", count=2) == "2 items"
    # the first whole number in the text's order decides, not the first argument
    assert i18n.t("head.eod.month_head", closed=5, days=1, month="2026-11") == \
        "Month 2026-11: 1 business day, 5 closed"
    assert i18n.t("checklist.times", n=True) == " (recorded True times)"  # a bool is no count
    monkeypatch.setattr(i18n, "_current", "zh_CN")
    assert i18n.t("cm2.agenda.fold_count", count=1) == "1 项"


def test_placeholders_match_between_languages():
    zh, en = i18n.catalog("zh_CN"), i18n.catalog("en")
    differ = {k: (placeholders(zh[k]), placeholders(en[k]))
              for k in zh if k in en and placeholders(zh[k]) != placeholders(en[k])}
    assert differ == {}


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _const(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _fstring_prefix(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.JoinedStr) and node.values:
        head = _const(node.values[0])
        return head or None
    return None


def used_keys() -> Iterator[tuple[str, str, bool]]:
    """(where, key or key prefix, is_prefix) for every catalog key written in src/."""
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        rel = path.relative_to(SRC.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _call_name(node)
                args: list[ast.AST] = []
                if name in ("t",) and node.args:
                    args = [node.args[0]]
                elif name in FIELD_ERRORS:
                    args = list(node.args[:2])
                elif name in ERRORS_WITH_KEYS and node.args:
                    args = [node.args[0]]
                elif name == "Binding":
                    desc = node.args[2] if len(node.args) > 2 else next(
                        (k.value for k in node.keywords if k.arg == "description"), None)
                    if _const(desc) and CATALOG_KEY.match(_const(desc) or ""):
                        args = [desc]  # type: ignore[list-item]
                for arg in args:
                    where = f"{rel}:{arg.lineno}"
                    if (key := _const(arg)) is not None:
                        yield where, key, False
                    elif (prefix := _fstring_prefix(arg)) is not None:
                        yield where, prefix, True
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "HELP_SECTIONS" for t in node.targets
            ):
                for pair in getattr(node.value, "elts", []):
                    elts = getattr(pair, "elts", [])
                    if len(elts) == 2 and (key := _const(elts[1])) is not None:
                        yield f"{rel}:{pair.lineno}", key, False


def test_the_scan_finds_keys():
    keys = {key for _, key, _ in used_keys()}
    # a scan that finds nothing would pass vacuously
    assert {"login.hint", "error.staff.exists", "shell.bind.help", "role."} <= keys


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_key_used_in_the_code_exists(lang: str):
    catalog = i18n.catalog(lang)
    missing = []
    for where, key, is_prefix in used_keys():
        if is_prefix:
            if not any(k.startswith(key) for k in catalog):
                missing.append(f"{where}: {key}*")
        elif key not in catalog:
            missing.append(f"{where}: {key}")
    assert missing == []


def test_missing_keys_are_recorded_not_raised():
    i18n.MISSING.discard("no.such.key")
    assert i18n.t("no.such.key") == "no.such.key"
    assert "no.such.key" in i18n.MISSING
    i18n.MISSING.discard("no.such.key")
