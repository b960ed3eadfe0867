"""Where a procedure step's rule comes from: the manual's section list as data, and the basis.

`data/manual/sections.toml` lists the sections of the manual whose text we hold ([[held]], with
their pages and the page of each numbered item), the sections known only by their title in the
table of contents ([[toc]]) and the named sources of practice ([practice.<key>]).

A step (or procedure) states one basis:

- `manual`: `manual = "ch.2 §2.4 item 1, p.19"` – a held section; the page (and item) must be
  the held text's;
- `manual-toc`: `manual = "ch.4 §4.4.5"` – a section from the table of contents, no page or item;
- `practice`: `source = "<key>"` – industry or regulatory practice named in [practice].
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from wealthtui.resources import data_file

BASES = ("manual", "manual-toc", "practice")

MANUAL_RE = re.compile(r"^ch\.(\d+)(?: §([\d.]+))?(?: item (\d+))?, p\.(\d+)$")
TOC_RE = re.compile(r"^ch\.(\d+)(?: §([\d.]+))?$")


@dataclass(frozen=True)
class Section:
    chapter: int
    section: str  # "" for the whole chapter
    title: str
    pages: tuple[int, int] | None = None  # held sections only
    items: tuple[int, ...] = ()  # page of item 1, 2, …


@dataclass(frozen=True)
class Source:
    key: str
    text: str
    text_en: str


@dataclass(frozen=True)
class SectionList:
    held: dict[tuple[int, str], Section]
    toc: dict[tuple[int, str], Section]
    practice: dict[str, Source]

    def check_manual(self, ref: str) -> str | None:
        """Why `ref` (basis = "manual") is not a citation of the held text; None when it is."""
        m = MANUAL_RE.match(ref)
        if m is None:
            return f'should look like "ch.2 §2.4 item 1, p.19" (got {ref!r})'
        chapter, section, item, page = int(m[1]), m[2] or "", m[3], int(m[4])
        held = self.held.get((chapter, section))
        if held is None or held.pages is None:
            known = " (its title is in the table of contents)" if (chapter, section) in self.toc else ""
            return (f"{ref!r}: we do not hold the text of this section{known}; use basis = "
                    "\"manual-toc\" (section only) or basis = \"practice\"")
        if item is not None:
            n = int(item)
            if not 1 <= n <= len(held.items):
                return f"{ref!r}: the held section has {len(held.items)} numbered items"
            if held.items[n - 1] != page:
                return f"{ref!r}: item {n} is on page {held.items[n - 1]} of the held text"
        elif not held.pages[0] <= page <= held.pages[1]:
            return f"{ref!r}: the held section is on pages {held.pages[0]}–{held.pages[1]}"
        return None

    def check_toc(self, ref: str) -> str | None:
        m = TOC_RE.match(ref)
        if m is None:
            return (f'basis = "manual-toc" cites a section only, without page or item, like '
                    f'"ch.4 §4.4.5" (got {ref!r})')
        key = (int(m[1]), m[2] or "")
        if key not in self.toc and key not in self.held:
            return f"{ref!r} is not in the manual's table of contents"
        return None

    def check_source(self, key: str) -> str | None:
        if key not in self.practice:
            return f"source {key!r} is not a known source; accepted: {', '.join(self.practice)}"
        return None


def _section(raw: dict, held: bool) -> Section:
    pages = raw.get("pages")
    return Section(int(raw["chapter"]), str(raw.get("section", "")), str(raw["title"]),
                   (int(pages[0]), int(pages[1])) if held else None,
                   tuple(int(p) for p in raw.get("items", ())))


def default_path() -> Path:
    return data_file("manual") / "sections.toml"


def load(path: Path | None = None) -> SectionList:
    raw = tomllib.loads(Path(path or default_path()).read_text("utf-8"))
    held = [_section(s, True) for s in raw.get("held", [])]
    toc = [_section(s, False) for s in raw.get("toc", [])]
    practice = {k: Source(k, v["text"], v["text_en"]) for k, v in raw.get("practice", {}).items()}
    return SectionList({(s.chapter, s.section): s for s in held},
                       {(s.chapter, s.section): s for s in toc}, practice)


@cache
def shipped() -> SectionList:
    return load()


def basis_code(basis: str, manual: str, source: str | None) -> str:
    """The basis in one language-neutral line, as the audit keeps it (≤ 40 characters)."""
    if basis == "practice":
        return f"practice {source}"
    if basis == "manual-toc":
        return f"manual-toc {manual}"
    return manual


# --- the services' own citations (data/manual/service_sections.toml) ---------------------------
#: a section as the services cite it: chapter, section and item, never a page
SECTION_RE = re.compile(r"^ch\.(\d+)(?: §([\d.]+))?(?: item (\d+))?$")


@dataclass(frozen=True)
class ServiceCite:
    key: str  # "<module>.<NAME>"
    basis: str
    manual: str
    source: str | None

    @property
    def audit(self) -> str:
        """The audit row's `manual_section`: the reference, marked unless the text is held."""
        if self.basis == "practice":
            return f"practice {self.source}"
        return self.manual if self.basis == "manual" else f"manual-toc {self.manual}"


def service_path() -> Path:
    return data_file("manual") / "service_sections.toml"


def load_services(path: Path | None = None) -> dict[str, ServiceCite]:
    raw = tomllib.loads(Path(path or service_path()).read_text("utf-8"))
    out = {}
    for module, names in raw.items():
        for name, cite in names.items():
            key = f"{module}.{name}"
            out[key] = ServiceCite(key, str(cite.get("basis", "")), str(cite.get("manual", "")),
                                   cite.get("source"))
    return out


@cache
def _services() -> dict[str, ServiceCite]:
    return load_services()


def service_section(key: str) -> str:
    """The `manual_section` a service's audit rows carry for `key` ("<module>.<NAME>")."""
    return _services()[key].audit


def check_service(sections: SectionList, cite: ServiceCite) -> str | None:
    """Why `cite` is not a citation we can stand behind; None when it is."""
    if cite.basis == "practice":
        if cite.manual:
            return f"{cite.key}: basis \"practice\" cites no manual section"
        return sections.check_source(cite.source or "")
    if cite.source is not None:
        return f"{cite.key}: source is only for basis \"practice\""
    m = SECTION_RE.match(cite.manual)
    if cite.basis not in ("manual", "manual-toc") or m is None:
        return (f'{cite.key}: basis "manual" or "manual-toc" with manual = "ch.2 §2.7 item 8" '
                f"(no page; got {cite.basis!r}, {cite.manual!r})")
    key = (int(m[1]), m[2] or "")
    if cite.basis == "manual-toc":
        if m[3]:
            return f"{cite.key}: a table-of-contents citation has no item"
        return None if key in sections.toc or key in sections.held else \
            f"{cite.key}: {cite.manual!r} is not in the manual's table of contents"
    held = sections.held.get(key)
    if held is None or held.pages is None:
        return (f"{cite.key}: we do not hold the text of {cite.manual!r}; "
                'use basis = "manual-toc" or "practice"')
    if m[3] and not 1 <= int(m[3]) <= len(held.items):
        return f"{cite.key}: the held section has {len(held.items)} numbered items"
    return None
