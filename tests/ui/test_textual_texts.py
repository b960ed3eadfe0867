"""Textual's own words never reach the staff in English: the keys its widgets show and the
command palette's line come from our catalogs (issue 19)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import textual
from textual.binding import Binding

from tests.ui.helpers import make_app, screen_text, settle, sign_in
from wealthtui import i18n
from wealthtui.i18n import t
from wealthtui.ui.bindings import TEXTUAL_TEXTS, translate

#: Textual modules that are tools for Textual's developers, never part of an app
DEV_ONLY = ("textual._markup_playground", "textual.demo", "textual.cli", "textual._wait")


def textual_shown_descriptions() -> set[str]:
    """Every description Textual's own classes give a key they show in the footer."""
    found: set[str] = set()
    for info in pkgutil.walk_packages(textual.__path__, "textual."):
        if info.name.startswith(DEV_ONLY):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - optional extras of Textual
            continue
        for obj in vars(module).values():
            if not (inspect.isclass(obj) and obj.__module__ == module.__name__):
                continue
            for b in getattr(obj, "BINDINGS", ()):
                description, show = ((b[2] if len(b) > 2 else ""), True) \
                    if isinstance(b, tuple) else (b.description, b.show)
                if description and show:
                    found.add(description)
    return found


def test_every_key_textual_shows_has_our_words_in_both_languages():
    shown = textual_shown_descriptions()
    assert shown and shown <= set(TEXTUAL_TEXTS), shown - set(TEXTUAL_TEXTS)
    for language in ("zh_CN", "en"):
        i18n.set_language(language)
        try:
            for english in shown:
                assert translate(english) == t(TEXTUAL_TEXTS[english]) != english
        finally:
            i18n.set_language("zh_CN")
    assert translate(Binding("x", "y", "shell.bind.help").description) == t("shell.bind.help")


async def test_the_palette_says_no_match_in_chinese(services, head):
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, head.staff_no)
        await pilot.press("ctrl+p")
        await pilot.press(*"zzzq")
        await pilot.pause(0.8)  # Textual waits half a second before it says there is no match
        await settle(pilot)
        text = screen_text(app)
        assert t("shell.palette_no_matches") in text and "No matches" not in text
