"""The services' own citations (data/manual/service_sections.toml, issue 21): every audit row's
`manual_section` names a section whose text we hold, a section of the table of contents
(marked as such), or a named source of practice — never a page of text we do not hold."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from wealthtui import citations
from wealthtui.citations import ServiceCite, check_service

SECTIONS = citations.shipped()
CITES = citations.load_services()


def test_every_service_citation_is_one_we_can_stand_behind():
    assert len(CITES) >= 30
    problems = [why for cite in CITES.values() if (why := check_service(SECTIONS, cite))]
    assert problems == []


@pytest.mark.parametrize("key", sorted(CITES))
def test_the_service_uses_its_data_entry(key: str):
    module, name = key.split(".")
    value = getattr(importlib.import_module(f"wealthtui.services.{module}"), name)
    assert value == CITES[key].audit


def test_no_service_keeps_a_section_string_of_its_own():
    """A `…SECTION… = "…"` literal in services/ would bypass the data (and its check)."""
    root = Path(importlib.import_module("wealthtui.services").__file__).parent  # type: ignore[arg-type]
    for path in root.glob("*.py"):
        for line in path.read_text("utf-8").splitlines():
            head = line.split("=")[0].strip()
            if "SECTION" in head and head.isupper() and line.split("=", 1)[-1].strip().startswith('"'):
                pytest.fail(f"{path.name}: {line.strip()}")


@pytest.mark.parametrize(("basis", "manual", "source", "why"), [
    ("manual", "ch.2 §2.7 item 8, p.22", None, "no page"),
    ("manual", "ch.4 §4.4.5", None, "we do not hold the text"),
    ("manual", "ch.2 §2.7 item 9", None, "the held section has 8 numbered items"),
    ("manual-toc", "ch.4 §4.4.5 item 1", None, "has no item"),
    ("manual-toc", "ch.4 §4.9", None, "not in the manual's table of contents"),
    ("practice", "", "hearsay", "not a known source"),
    ("practice", "ch.2 §2.7", "industry", "cites no manual section"),
    ("manual", "ch.2 §2.7", "industry", "source is only for"),
])
def test_a_citation_we_cannot_stand_behind_is_refused(basis: str, manual: str,
                                                      source: str | None, why: str):
    problem = check_service(SECTIONS, ServiceCite("x.SECTION", basis, manual, source))
    assert problem is not None and why in problem


def test_the_audit_text_marks_what_we_do_not_hold():
    assert ServiceCite("a.B", "manual", "ch.2 §2.7", None).audit == "ch.2 §2.7"
    assert ServiceCite("a.B", "manual-toc", "ch.4 §4.5", None).audit == "manual-toc ch.4 §4.5"
    assert ServiceCite("a.B", "practice", "", "industry").audit == "practice industry"
