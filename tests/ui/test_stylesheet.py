"""The app's stylesheet keeps parsed CSS for the process (ui/stylesheet.py): a second app reads
the rules the first parsed, while other CSS text (a file changed on disk) or other variables (a
theme) are parsed afresh, and CSS with errors raises every time."""

from __future__ import annotations

import pytest
from textual.css.stylesheet import StylesheetParseError

from wealthtui.ui.stylesheet import SharedStylesheet

WHERE = ("/somewhere/app.tcss", "")


def _sheet(css: str, **variables: str) -> SharedStylesheet:
    sheet = SharedStylesheet(variables=variables)
    sheet.add_source(css, read_from=WHERE)
    sheet.parse()
    return sheet


def _color(sheet: SharedStylesheet) -> str:
    (rule,) = sheet.rules
    return rule.styles.color.hex.lower()


def test_a_second_sheet_reads_the_rules_the_first_parsed() -> None:
    css = "Label { color: $accent-x; }"
    first, second = _sheet(css, **{"accent-x": "#102030"}), _sheet(css, **{"accent-x": "#102030"})
    assert second.rules[0] is first.rules[0]
    assert _color(second) == "#102030"
    second.reparse()  # a refresh_css: the kept rules again, not a parse
    assert second.rules[0] is first.rules[0]


def test_other_text_or_other_variables_are_parsed_afresh() -> None:
    before = _sheet("Label { color: #112233; }")
    changed = _sheet("Label { color: #445566; }")  # the file changed on disk
    assert _color(before) == "#112233" and _color(changed) == "#445566"

    css = "Label { color: $tone; }"
    dark, light = _sheet(css, tone="#000011"), _sheet(css, tone="#eeeeff")
    assert (_color(dark), _color(light)) == ("#000011", "#eeeeff")
    dark.set_variables({"tone": "#eeeeff"})  # a theme switched in the running app
    dark.reparse()
    assert _color(dark) == "#eeeeff"


def test_css_with_errors_raises_each_time() -> None:
    for _ in range(2):
        with pytest.raises(StylesheetParseError):
            _sheet("Label { colour: red; }")
