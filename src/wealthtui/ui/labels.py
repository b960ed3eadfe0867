"""Names of the center's configured codes, in the language of the screen: a client tier, a
business type; lists, staff references and client titles as the language writes them. A code that is not configured (data imported from elsewhere) is shown as it is."""

from __future__ import annotations

from collections.abc import Iterable

from wealthtui.config import Settings
from wealthtui.i18n import has, t, tl
from wealthtui.rules import step_facts
from wealthtui.rules.antifraud import Checklist
from wealthtui.rules.money import format_fen
from wealthtui.rules.step_facts import Fact
from wealthtui.rules.stop_note import StopNote


def tier_name(settings: Settings, code: str) -> str:
    tier = settings.tier(code)
    return tl(tier.name, tier.name_en) if tier else code


def business_name(settings: Settings, code: str) -> str:
    bt = settings.business_type(code)
    return tl(bt.name, bt.name_en) if bt else code


def listing(items: Iterable[str]) -> str:
    """Items joined as the screen's language lists them: 、 in Chinese, a comma in English."""
    return tl("、", ", ").join(items)


def staff_ref(name: str, staff_no: str) -> str:
    """A staff member with their number: 王芳（8031） in Chinese, 王芳 (8031) in English."""
    return tl(f"{name}（{staff_no}）", f"{name} ({staff_no})")


def addressed(name: str, title: str) -> str:
    """A client's name with the title they are addressed by (先生, 女士) in Chinese; the name
    alone in English, where a Chinese title reads wrong."""
    return name + tl(title, "") if title else name


def verdict_name(outcome: str) -> str:
    """A point-of-sale verdict code (rules.suitability) as the screen's language says it."""
    for key in (f"cm.suitability.{outcome}", f"compliance.verdict.{outcome}"):
        if has(key):
            return t(key)
    return outcome


def step_fact_text(settings: Settings, fact: Fact) -> str:
    """What the system recorded into a checklist step (rules.step_facts), worded now, in the
    screen's language: a contact or notice with its date, channel and number; the products
    proposed with their levels and verdicts. Product names come from the configuration."""
    if fact.kind in (step_facts.CONTACT, step_facts.NOTICE):
        section = "cm.channel" if fact.kind == step_facts.CONTACT else "notice.channel"
        key = f"{section}.{fact.channel}"
        channel = t(key) if has(key) else fact.channel
        return t(f"step_fact.{fact.kind}", date=fact.day.isoformat() if fact.day else "",
                 channel=channel, id=fact.id)
    parts = []
    for p in fact.products:
        product = settings.contact.product(p.code)
        name = tl(product.name, product.name_en) if product else ""
        levels = (t("step_fact.levels", level=p.level, client=p.client_level)
                  if p.client_level else t("step_fact.level", level=p.level))
        part = t("step_fact.product", code=p.code, name=name, levels=levels,
                 verdict=verdict_name(p.outcome)).replace("  ", " ")
        if p.ack:
            part += t("step_fact.ack", ack=p.ack)
        parts.append(part)
    return t("step_fact.sep").join(parts)


def stop_note_text(settings: Settings, note: StopNote, checklist: Checklist | None) -> str:
    """An anti-fraud stop's hand-off note (rules.stop_note) worded now, in the screen's language:
    the business, amount and masked payee, then each question as the questions file words it
    (its id when the file no longer has it) with the answer, the suspicious ones marked ⚠."""
    head = t("s18screens.stop_head", business=business_name(settings, note.business_type),
             amount=format_fen(note.amount_fen))
    if note.payee:
        head += t("s18screens.stop_payee", payee=note.payee)
    questions = {q.id: tl(q.text, q.text_en) for q in checklist.questions} if checklist else {}
    lines = [head]
    for number, a in enumerate(note.answers, 1):
        lines.append(t("s18screens.stop_answer", number=number,
                       question=questions.get(a.question, a.question),
                       answer=t(f"antifraud.answer.{a.answer}"),
                       mark=t("s18screens.stop_mark") if a.suspicious else ""))
    return "\n".join(lines)
