"""Schema version: upgrade with alembic, and refuse a database newer than this program.

Checking the version is on every start-up path, so it does not import alembic: the revisions are
read from the migration files' `revision = "…"` / `down_revision = …` lines, and the database's
revision from its alembic_version table. Alembic itself is imported only to upgrade.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@functools.cache
def _revision_graph() -> dict[str, tuple[str, ...]]:
    """revision → the revisions it revises, from the files in migrations/versions."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values = dict(_ASSIGNMENT.findall(path.read_text(encoding="utf-8")))
        revision = _QUOTED.findall(values.get("revision", ""))
        if revision:
            graph[revision[0]] = tuple(_QUOTED.findall(values.get("down_revision", "")))
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    revised = {down for downs in graph.values() for down in downs}
    heads = sorted(rev for rev in graph if rev not in revised)
    return heads[0] if len(heads) == 1 else ""


def known_revisions() -> set[str]:
    return set(_revision_graph())


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    empty: bool  # no tables at all: a new database

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def newer(self) -> bool:
        """The database was written by a newer wealthtui (a revision we do not know)."""
        return self.current is not None and self.current not in known_revisions()

    @property
    def older(self) -> bool:
        return not self.up_to_date and not self.newer and not self.empty


def state(engine: Engine) -> SchemaState:
    from sqlalchemy import inspect

    empty = not inspect(engine).get_table_names()
    return SchemaState(current=current_revision(engine), head=head_revision(), empty=empty)
