"""The procedure files and their loader: every shipped file loads; a broken file is refused with
one line naming the file, the step and what is wrong; versions are content hashes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from wealthtui import citations
from wealthtui.procedures import (
    KINDS,
    Procedure,
    ProcedureError,
    default_dir,
    load_dir,
    load_file,
)
from wealthtui.rules.permissions import ROLES
from wealthtui.services.checklists import load_checked

#: what the issue asks for, by the id each procedure got
REQUIRED = {
    "lobby_opening", "lobby_identification", "lobby_closing",
    "counter_sign_on", "counter_wealth_needs", "counter_shift_handover", "counter_eod_balancing",
    "supervisor_sign_on", "supervisor_authorisation", "supervisor_outlet_balancing",
    "cm_start_of_day", "cm_contact_marketing", "cm_premium_account_opening",
    "cm_premium_account_closing", "cm_change", "cm_end_of_day",
    "head_morning_meeting", "head_appearance_check", "head_end_of_day", "head_monthly_review",
    "complaint_on_site", "marketing_cm_day",
}
SHIPPED = sorted(default_dir().glob("*.toml"))
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_shipped_procedure_loads_and_the_issue_list_is_covered():
    catalog = load_checked()
    assert REQUIRED <= set(catalog.procedures)
    assert len(catalog) == len(SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_file_is_bilingual_and_cites_the_manual(path: Path):
    proc = load_file(path)
    assert HAN.search(proc.title) and not HAN.search(proc.title_en)
    for step in proc.steps:
        assert HAN.search(step.text), step.id
        assert step.text_en and not HAN.search(step.text_en), step.id
        assert bool(step.help) == bool(step.help_en), step.id
        assert step.basis in ("manual", "manual-toc", "practice"), step.id
        assert set(proc.doers(step)) <= set(ROLES)
        for choice in step.choices:
            assert HAN.search(choice.text) and not HAN.search(choice.text_en)


def test_the_five_matches_and_the_shift_witness_are_in_the_counter_procedures():
    catalog = load_dir()
    balancing = catalog.procedures["counter_eod_balancing"]
    matches = [s.text for s in balancing.steps if s.id.startswith("match_")]
    assert [m[:4] for m in matches] == ["账账相符", "账实相符", "账证相符", "账款相符", "账据相符"]
    witness = catalog.procedures["counter_shift_handover"].step("witness")
    assert witness is not None and witness.kind == "signoff"
    assert witness.required_when is not None
    assert set(witness.required_when.values) == {"leave", "transfer"}
    kinds = {s.kind for p in catalog for s in p.steps}
    assert kinds == set(KINDS)


# --- broken files ----------------------------------------------------------------------------
GOOD = '''id = "tiny"
title = "小程序"
title_en = "Tiny"
roles = ["lobby_manager"]
subject = "day"
manual = "ch.2 §2.7 item 2, p.22"

[[steps]]
id = "first"
text = "第一步"
text_en = "First"
kind = "choice"
manual = "ch.2 §2.7 item 2, p.22"
choices = [{ id = "yes", text = "是", text_en = "Yes" }, { id = "no", text = "否", text_en = "No" }]

[[steps]]
id = "second"
text = "第二步"
text_en = "Second"
kind = "tick"
manual = "ch.2 §2.7 item 2, p.22"
'''


def broken(tmp_path: Path, text: str, name: str = "tiny") -> str:
    folder = tmp_path / "procedures"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.toml").write_text(text, "utf-8")
    with pytest.raises(ProcedureError) as exc:
        load_checked(folder)
    message = str(exc.value)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(str(folder / f"{name}.toml") + ": ")
    return message


def test_a_good_tiny_file_loads(tmp_path: Path):
    folder = tmp_path / "procedures"
    folder.mkdir()
    (folder / "tiny.toml").write_text(GOOD, "utf-8")
    assert [s.id for s in load_checked(folder).procedures["tiny"].steps] == ["first", "second"]


@pytest.mark.parametrize(
    ("change", "step", "what"),
    [
        (('kind = "tick"', 'kind = "tik"'), "second", "kind: Input should be 'tick'"),
        (('text_en = "Second"\n', ""), "second", "text_en: missing"),
        (('text_en = "Second"\n', 'text_en = "Second"\ncolour = "red"\n'), "second",
         "colour: Extra inputs are not permitted"),
        (('kind = "tick"', 'kind = "tick"\nrole = "teller"'), "second",
         "role: unknown role teller; accepted: head"),
        (('kind = "tick"\nmanual = "ch.2 §2.7 item 2, p.22"', 'kind = "tick"\nmanual = "chapter 6"'),
         "second", 'basis = "manual" needs manual = "ch.2 §2.4 item 1, p.19"'),
        # a page of text we do not hold
        (('manual = "ch.2 §2.7 item 2, p.22"\nchoices', 'manual = "ch.4 §4.4.5, p.112"\nchoices'),
         "first", 'we do not hold the text of this section (its title is in the table '
         'of contents); use basis = "manual-toc"'),
        # the held text's page and item must agree
        (('manual = "ch.2 §2.7 item 2, p.22"\nchoices', 'manual = "ch.2 §2.7 item 1, p.22"\nchoices'),
         "first", "item 1 is on page 21 of the held text"),
        (('manual = "ch.2 §2.7 item 2, p.22"\nchoices', 'manual = "ch.2 §2.7 item 9, p.22"\nchoices'),
         "first", "the held section has 8 numbered items"),
        (('manual = "ch.2 §2.7 item 2, p.22"\nchoices', 'manual = "ch.2 §2.3, p.40"\nchoices'),
         "first", "the held section is on pages 18–19"),
        # manual-toc: section only
        (('kind = "tick"\nmanual', 'kind = "tick"\nbasis = "manual-toc"\nmanual'), "second",
         'basis = "manual-toc" cites a section only'),
        (('kind = "tick"\nmanual = "ch.2 §2.7 item 2, p.22"',
          'kind = "tick"\nbasis = "manual-toc"\nmanual = "ch.4 §4.9"'), "second",
         "is not in the manual's table of contents"),
        # practice: a named source, no manual section
        (('kind = "tick"\nmanual = "ch.2 §2.7 item 2, p.22"', 'kind = "tick"\nbasis = "practice"'),
         "second", 'basis = "practice" needs source'),
        (('kind = "tick"\nmanual = "ch.2 §2.7 item 2, p.22"',
          'kind = "tick"\nbasis = "practice"\nsource = "hearsay"'), "second",
         "source 'hearsay' is not a known source"),
        (('kind = "tick"', 'kind = "tick"\nbasis = "practice"\nsource = "industry"'), "second",
         'basis = "practice" cites no manual section'),
        (('kind = "tick"', 'kind = "tick"\nsource = "industry"'), "second",
         'source is only for basis = "practice"'),
        (('kind = "tick"', 'kind = "tick"\nbasis = "rumour"'), "second", "basis: Input should be"),
        (('kind = "tick"', 'kind = "tick"\nrequired_when = { step = "first", values = ["maybe"] }'),
         "second", 'required_when.values: not choices of "first": maybe'),
        (('kind = "tick"', 'kind = "tick"\nrequired_when = { step = "later", values = ["x"] }'),
         "second", 'required_when.step: "later" is not an earlier choice step'),
        (('kind = "tick"', 'kind = "tick"\nchoices = [{ id = "a", text = "甲", text_en = "A" }]'),
         "second", 'choices are only for kind = "choice"'),
        (('kind = "tick"', 'kind = "tick"\nhandoff = { kind = "gossip", to_role = "head" }'),
         "second", "handoff.kind: unknown kind 'gossip'"),
        (('kind = "tick"', 'kind = "tick"\nhandoff = { kind = "general", to_role = "boss" }'),
         "second", "handoff.to_role: unknown role boss"),
        (('id = "second"', 'id = "first"'), "first", "id: used by two steps"),
        (('id = "second"', 'id = "Second Step"'), "Second Step",
         'id: should be lower-case letters, digits and "_"'),
    ],
)
def test_a_broken_step_is_refused_naming_file_and_step(tmp_path, change, step, what):
    old, new = change
    assert old in GOOD
    message = broken(tmp_path, GOOD.replace(old, new, 1))
    assert f'step "{step}": ' in message
    assert what in message


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (GOOD.replace('subject = "day"', 'subject = "day"\nschedule = "start_of_day"'),
         'schedule = "start_of_day" needs a due time'),
        (GOOD.replace('id = "tiny"', 'id = "small"'), 'id: "small" must be the file name'),
        (GOOD.replace('title_en = "Tiny"', 'title_en = "Tiny'), "not valid TOML"),
        (GOOD.split("[[steps]]")[0], "steps: missing"),
        (GOOD.replace('roles = ["lobby_manager"]', "roles = []"), "roles: Tuple should have at least 1"),
    ],
)
def test_a_broken_procedure_is_refused_naming_the_file(tmp_path, text, what):
    message = broken(tmp_path, text)
    assert 'step "' not in message
    assert what in message


def test_one_bad_file_spoils_the_folder_and_is_the_one_named(tmp_path: Path):
    folder = tmp_path / "procedures"
    shutil.copytree(default_dir(), folder)
    path = folder / "counter_sign_on.toml"
    path.write_text(path.read_text("utf-8").replace('kind = "amount"', 'kind = "money"'), "utf-8")
    with pytest.raises(ProcedureError) as exc:
        load_dir(folder)
    assert exc.value.path == path and exc.value.step == "cash_counted"
    assert str(exc.value).startswith(f'{path}: step "cash_counted": kind: ')


# --- versions ----------------------------------------------------------------------------------
def test_the_version_is_a_hash_of_the_content_not_of_the_layout(tmp_path: Path):
    folder = tmp_path / "procedures"
    folder.mkdir()
    path = folder / "tiny.toml"
    path.write_text(GOOD, "utf-8")
    first = load_file(path)
    path.write_text("# a comment\n\n" + GOOD.replace(" = ", "   =   "), "utf-8")
    assert load_file(path).version == first.version
    path.write_text(GOOD.replace("第二步", "第二步（改）"), "utf-8")
    changed = load_file(path)
    assert changed.version != first.version
    # what a run stores reads back as the same procedure, with the same version
    again = Procedure.from_json(first.canonical_json())
    assert again == first and again.version == first.version


# --- provenance: every step's basis against the held text's section list ---------------------
SECTIONS = citations.shipped()
ALL_ITEMS = [(p, None) for p in load_dir()] + [(p, s) for p in load_dir() for s in p.steps]


def _cited(proc, step):
    return step if step is not None else proc


@pytest.mark.parametrize("proc, step", ALL_ITEMS,
                         ids=lambda x: getattr(x, "id", "procedure") if x is not None else "-")
def test_every_citation_is_honest(proc, step):
    item = _cited(proc, step)
    if item.basis == "manual":
        m = citations.MANUAL_RE.match(item.manual)
        assert m is not None
        held = SECTIONS.held[(int(m[1]), m[2] or "")]
        page = int(m[4])
        assert held.pages[0] <= page <= held.pages[1]
        if m[3] is not None:
            assert held.items[int(m[3]) - 1] == page
        assert int(m[1]) in (1, 2)  # the text we hold: chapters 1 and 2 only
    elif item.basis == "manual-toc":
        assert citations.TOC_RE.fullmatch(item.manual), item.manual  # no page, no item
        assert "p." not in item.manual and "item" not in item.manual
        m = citations.TOC_RE.match(item.manual)
        assert (int(m[1]), m[2] or "") in SECTIONS.toc
        assert item.source is None
    else:
        assert item.basis == "practice" and item.manual == ""
        assert item.source in SECTIONS.practice


def test_no_step_claims_a_page_of_chapters_3_to_9():
    for path in SHIPPED:
        for ref in re.findall(r'^manual = "([^"]*)"', path.read_text("utf-8"), re.M):
            if ", p." in ref:
                assert re.match(r"ch\.[12] ", ref), (path.name, ref)


def test_the_section_list_is_consistent():
    """Held sections lie in the 31 pages we hold, their items' pages inside the section's pages."""
    assert SECTIONS.held and SECTIONS.toc and {"industry"} <= set(SECTIONS.practice)
    for (chapter, section), sec in SECTIONS.held.items():
        assert chapter in (1, 2), section
        assert sec.pages[0] <= sec.pages[1] <= 31
        assert all(sec.pages[0] <= p <= sec.pages[1] for p in sec.items)
        assert list(sec.items) == sorted(sec.items)
    assert not set(SECTIONS.held) & set(SECTIONS.toc)


def test_basis_code_is_what_the_audit_keeps():
    cat = load_dir()
    sign_on = cat.procedures["supervisor_sign_on"].step("dual_control")
    assert (sign_on.basis, sign_on.basis_code) == ("practice", "practice counter_ops")
    appearance = cat.procedures["counter_sign_on"].step("appearance")
    assert appearance.basis_code == "manual-toc ch.5 §5.3"
    box = cat.procedures["counter_sign_on"].step("box_drawn")
    assert box.basis_code == "ch.2 §2.3, p.18"
    assert all(len(s.basis_code) <= 40 for p in cat for s in p.steps)
