"""A step's basis in the user's language: 手册 ch.2 §2.4 第1项 第19页 / 手册 ch.4 §4.4.5（目录） /
行业惯例 (see wealthtui.citations for what each basis means)."""

from __future__ import annotations

from wealthtui import citations
from wealthtui.i18n import t, tl
from wealthtui.procedures import Procedure, Step


def basis_text(item: Step | Procedure) -> str:
    if item.basis == "practice":
        source = citations.shipped().practice.get(item.source or "")
        return tl(source.text, source.text_en) if source else str(item.source)
    if item.basis == "manual-toc":
        return t("basis.toc", ref=item.manual)
    m = citations.MANUAL_RE.match(item.manual)
    if m is None:  # a run stored before bases existed may hold any text
        return t("basis.manual", ref=item.manual)
    ref = f"ch.{m[1]}" + (f" §{m[2]}" if m[2] else "")
    if m[3]:
        ref += " " + t("basis.item", n=m[3])
    ref += " " + t("basis.page", n=m[4])
    return t("basis.manual", ref=ref)
