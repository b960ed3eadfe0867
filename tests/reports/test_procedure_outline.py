"""The procedures' outline the operator's `eod` reads (reports/procedure_outline.py): the same
ids, schedules, subjects and titles as the validated catalog; validated once per version of the
files (the cache), again when a file changes; broken files give None every time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wealthtui import procedures
from wealthtui.reports.procedure_outline import directory_of, outline_of


def _fields(catalog: object) -> list[tuple[str, str, str, str, str]]:
    return [(p.id, p.schedule, p.subject, p.title, p.title_en) for p in catalog]  # type: ignore[attr-defined]


def test_the_outline_is_the_validated_catalog_and_is_kept(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "procedures"
    shutil.copytree(directory_of(""), folder)
    catalog = procedures.load_dir(folder)
    first = outline_of(folder)
    assert first is not None and _fields(first) == _fields(catalog) and len(first) == len(catalog)
    some = next(iter(catalog))
    assert first.get(some.id) is not None and first.get("no_such_procedure") is None

    validations: list[Path] = []
    real = procedures.load_dir

    def counted(directory: Path | None = None) -> procedures.Catalog:
        validations.append(Path(directory or "."))
        return real(directory)

    monkeypatch.setattr(procedures, "load_dir", counted)
    assert _fields(outline_of(folder)) == _fields(catalog)  # read back, not validated
    assert validations == []

    # a changed file is validated again: broken, None (every time); mended, its new title
    path = folder / f"{some.id}.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("title = ", "title = 7 #", 1), "utf-8")
    assert outline_of(folder) is None and outline_of(folder) is None
    assert len(validations) == 2
    path.write_text(text.replace(f'title = "{some.title}"', 'title = "改过的标题"', 1), "utf-8")
    mended = outline_of(folder)
    assert mended is not None and mended.get(some.id).title == "改过的标题"  # type: ignore[union-attr]
    assert len(validations) == 3
    assert outline_of(tmp_path / "missing") is None
