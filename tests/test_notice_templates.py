"""Notice templates (issue 18): the shipped templates load in both languages, values are inserted
once as plain text whatever they hold, and the receipt wrapping keeps every character within
the paper's width (CJK count 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.notices.templates import (
    BUILTINS,
    TemplateError,
    cells,
    load_dir,
    plain,
    wrap_cells,
)

TEMPLATES = load_dir()


def values_for(template_id: str, value: str) -> dict[str, object]:
    return {name: value for name in (*TEMPLATES[template_id].fields, *BUILTINS)}


def test_the_shipped_templates() -> None:
    assert set(TEMPLATES) == {"cm_change", "complaint_ack", "complaint_reply",
                              "appointment_confirmation", "maturity"}
    assert TEMPLATES["appointment_confirmation"].fields == (
        "client", "purpose", "time", "staff", "reference")
    for tpl in TEMPLATES.values():
        zh = tpl.render(values_for(tpl.id, "X"), "zh_CN")
        en = tpl.render(values_for(tpl.id, "X"), "en")
        assert zh.title != en.title and "$" not in zh.body + en.body


def test_missing_or_unknown_values_are_refused() -> None:
    tpl = TEMPLATES["cm_change"]
    values = values_for("cm_change", "x")
    with pytest.raises(TemplateError):
        tpl.render({k: v for k, v in values.items() if k != "successor"})
    with pytest.raises(TemplateError):
        tpl.render({**values, "extra": "y"})


def test_a_template_using_an_unknown_field_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        'id = "bad"\ntitle = "t"\ntitle_en = "t"\nfields = ["a"]\nmanual = "ch.1, p.1"\n'
        'body = "${a} ${b}"\nbody_en = "${a}"\n', "utf-8")
    with pytest.raises(TemplateError, match="unknown fields b"):
        load_dir(tmp_path)


@given(st.text(max_size=80))
def test_any_value_is_inserted_once_as_plain_text(value: str) -> None:
    rendered = TEMPLATES["complaint_reply"].render(values_for("complaint_reply", value))
    assert plain(value) in rendered.body
    assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) < 0xa0 for c in rendered.body)


@given(st.text(max_size=200), st.integers(min_value=8, max_value=48))
def test_wrapping_fits_the_width_and_keeps_every_character(text: str, width: int) -> None:
    text = plain(text)
    lines = wrap_cells(text, width)
    assert all(cells(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
