"""What the end-of-day summary needs of the procedures, without loading and validating them.

The summary (reports.eod) reads of the procedure catalog only each procedure's id, schedule,
subject and titles. Validating the files (procedures.load_dir: pydantic models, the manual's
sections) took about a third of `wealthtui eod`'s whole process (issue 22), every time. So the
operator's command reads an outline: the first run of a folder of files validates them with
`load_dir` as before and keeps the outline in the user cache (resources.write_cached), keyed by
the folder, each file's name, size and modification time, and what validation depends on (the
procedures and citations modules, the manual's sections, the roles). A changed file or module is
validated again; files that fail validation are never kept, so they fail (None: the summary
leaves the checklists out) every time, as `load_dir` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wealthtui.resources import cache_key, data_file, read_cached, stamp, write_cached

#: how many outlines the cache keeps (one per folder of procedure files and version of them)
KEEP = 8
SRC = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Outlined:
    """One procedure as the summary reads it."""

    id: str
    schedule: str
    subject: str
    title: str
    title_en: str


@dataclass(frozen=True)
class Outline:
    """The procedures of one folder, by id, in file-name order (read as procedures.Catalog)."""

    procedures: dict[str, Outlined]

    def get(self, procedure_id: str) -> Outlined | None:
        return self.procedures.get(procedure_id)

    def __iter__(self) -> Iterator[Outlined]:
        return iter(self.procedures.values())

    def __len__(self) -> int:
        return len(self.procedures)


def _fingerprint(directory: Path) -> list[Any]:
    import os

    out = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(".toml"):
                st = entry.stat()
                out.append([entry.name, st.st_size, st.st_mtime_ns])
    return sorted(out)


def _depends_on() -> list[Any]:
    """What validation reads besides the files: the modules that validate and the data they
    check against."""
    return [stamp(SRC / "procedures.py"), stamp(SRC / "citations.py"),
            stamp(SRC / "rules" / "permissions.py"), stamp(data_file("manual") / "sections.toml")]


def directory_of(configured: str) -> Path:
    """The folder `[procedures] dir` names (empty: the shipped one), as procedures.directory_of."""
    return Path(configured).expanduser() if configured else data_file("procedures")


def outline_of(directory: Path) -> Outline | None:
    """The outline of the procedure files in `directory`; None when they do not validate (or
    the folder cannot be read), as the summary has no checklists then."""
    try:
        key = cache_key([str(directory.resolve()), _fingerprint(directory), _depends_on()])
    except OSError:
        return None
    kept = read_cached("procedures", key)
    if isinstance(kept, list):
        try:
            return Outline({p[0]: Outlined(*p) for p in kept})
        except (TypeError, IndexError):
            pass  # an unreadable entry: validate again
    from wealthtui.procedures import ProcedureError, load_dir

    try:
        catalog = load_dir(directory)
    except (ProcedureError, OSError):
        return None
    rows = [[p.id, p.schedule, p.subject, p.title, p.title_en] for p in catalog]
    write_cached("procedures", key, rows, keep=KEEP)
    return Outline({row[0]: Outlined(*row) for row in rows})
