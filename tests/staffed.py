"""Staffed test centers built once and copied: what the `head` and `make_staff` fixtures of
tests/conftest.py do to a test's database (bootstrap the head, add staff through the services,
each signing in; a test file may add a step of its own, as the head's panels add the reports'
seed) is the same in hundreds of tests, so each distinct sequence of those steps is
run through the real services ONCE and the database it leaves is kept as a template:

- on SQLite, a file in the run's shared temp folder (built under a file lock by whichever worker
  needs it first, like tests/demo_fixture.py's demo; the others copy it);
- on PostgreSQL, a database of this pytest process, cloned with CREATE DATABASE … TEMPLATE.

A step's template is keyed by everything the step's outcome depends on: the steps before it,
its arguments, the settings, the fixed clock's time, the audit key. While the test's database
has not been opened yet, a step only records itself and returns the Actor its template's build
signed in; the database becomes the template of the steps so far (one copy) just before its
first connection (the engine's do_connect), when the test body starts, or at once for a step
taken inside the test body (another engine or process may open the file then). After the
first connection, steps run on the test's database as they always did. So a test sees exactly
the database and Actors it would have seen had every step run on its own database.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url

from wealthtui.rules.clock import FixedClock
from wealthtui.services import Actor, Services
from wealthtui.store.engine import make_engine

Step = tuple[Any, ...]
#: a step run on a database's services: (services, the head Actor or None) → what it gives the
#: test (the Actor it signed in; a seed's record of ids — anything that pickles)
Run = Callable[[Services, Actor | None], Any]


@dataclass
class Templates:
    """The templates of this pytest process: SQLite files shared by the run's workers (under
    `folder`), PostgreSQL databases of this process (dropped at the end, `close`)."""

    folder: Path
    empty_sqlite: Path
    pg_url: str = ""
    empty_pg: str = ""
    pg_prefix: str = ""
    made_pg: list[str] = field(default_factory=list)
    known: dict[tuple[str, str], tuple[str, Any]] = field(default_factory=dict)

    @staticmethod
    def key(recipe: tuple[Step, ...]) -> str:
        return hashlib.sha256(repr(recipe).encode("utf-8")).hexdigest()[:24]

    def get(self, backend: str, recipe: tuple[Step, ...], run: Run, services: Services,
            head: Actor | None) -> tuple[str, Any]:
        """(the template of `recipe` — a file path or a database name —, the Actor its last step
        signed in), built from the template of recipe[:-1] when nobody has built it yet."""
        name = self.key(recipe)
        if (backend, name) not in self.known:
            prefix = self.source(backend, recipe[:-1])
            build = self._sqlite if backend == "sqlite" else self._postgres
            self.known[backend, name] = build(name, prefix, run, services, head)
        return self.known[backend, name]

    def source(self, backend: str, recipe: tuple[Step, ...]) -> str:
        """The template a test's database is copied from for `recipe` (built before)."""
        if not recipe:
            return str(self.empty_sqlite) if backend == "sqlite" else self.empty_pg
        return self.known[backend, self.key(recipe)][0]

    @staticmethod
    def _services_like(engine: Engine, services: Services) -> Services:
        return Services(engine, services.settings, FixedClock(services.clock.now()))

    def _sqlite(self, name: str, prefix: str, run: Run, services: Services,
                head: Actor | None) -> tuple[str, Any]:
        self.folder.mkdir(parents=True, exist_ok=True)
        path, told = self.folder / f"{name}.db", self.folder / f"{name}.actor"
        with (self.folder / f"{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait while the first builds
            if told.exists():
                return str(path), pickle.loads(told.read_bytes())
            building = self.folder / f"{name}.building.db"
            shutil.copyfile(prefix, building)
            engine = make_engine(str(building))
            actor = run(self._services_like(engine, services), head)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            for extra in ("-wal", "-shm"):
                Path(f"{building}{extra}").unlink(missing_ok=True)
            os.replace(building, path)
            told.write_bytes(pickle.dumps(actor))
        return str(path), actor

    def _postgres(self, name: str, prefix: str, run: Run, services: Services,
                  head: Actor | None) -> tuple[str, Any]:
        db = f"{self.pg_prefix}_{name[:16]}"
        create_database(self.pg_url, db, prefix)
        self.made_pg.append(db)
        engine = make_engine(pg_database_url(self.pg_url, db))
        try:
            actor = run(self._services_like(engine, services), head)
        finally:
            engine.dispose()
        return db, actor

    def close(self) -> None:
        if not self.made_pg:
            return
        admin = create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for db in reversed(self.made_pg):
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        admin.dispose()


def pg_database_url(pg_url: str, name: str) -> str:
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def create_database(pg_url: str, name: str, template: str, *, replace: bool = False) -> None:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if replace:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
    admin.dispose()


class Staffing:
    """The steps taken on one test's database (see the module docstring)."""

    def __init__(self, templates: Templates, backend: str, url: str, engine: Engine) -> None:
        self.templates, self.backend, self.url = templates, backend, url
        self.recipe: tuple[Step, ...] = ()
        self.pending = False     # the database is not yet the template of `recipe`
        self.opened = False      # the database has been connected to: steps run on it
        self.in_body = False     # the test body runs: a step is copied in at once
        self.head: Actor | None = None
        self.engine = engine
        # first, before the engine's own do_connect (which connects; insert=True does not
        # put a listener before those already there)
        others = list(engine.dialect.dispatch.do_connect)
        for fn in others:
            event.remove(engine, "do_connect", fn)
        event.listen(engine, "do_connect", self._before_connect)
        for fn in others:
            event.listen(engine, "do_connect", fn)

    def _before_connect(self, *_args: Any) -> None:
        if not self.opened:
            self.materialize()
            self.opened = True

    def materialize(self) -> None:
        """Make the test's database the template of the steps so far (when it is not yet)."""
        if not self.pending:
            return
        source = self.templates.source(self.backend, self.recipe)
        if self.backend == "sqlite":
            if Path(f"{self.url}-wal").exists() or Path(f"{self.url}-shm").exists():
                raise RuntimeError(  # copying over an open database would corrupt it
                    f"{self.url} was opened by another engine before its staff were copied "
                    "in (tests/staffed.py): let the test's engine touch it first")
            shutil.copyfile(source, self.url)   # the same file (inode), never opened yet
        else:
            create_database(self.templates.pg_url, make_url(self.url).database or "", source,
                            replace=True)
        self.pending = False

    def step(self, services: Services, step: Step, run: Run) -> Any:
        """Take `step` (run by `run`) on the test's database, or record it (module docstring)."""
        if (self.opened or not isinstance(services.clock, FixedClock)
                or services.ctx.engine is not self.engine):  # services of some other database
            self.materialize()
            self.opened = True
            return run(services, self.head)
        key = audit_key_mark(services)
        recipe = (*self.recipe, (*step, repr(services.settings), services.clock.now(), key))
        _, actor = self.templates.get(self.backend, recipe, run, services, self.head)
        self.recipe, self.pending = recipe, True
        if self.in_body:
            self.materialize()
        return actor


def audit_key_mark(services: Services) -> str:
    """What the test's services chain the audit events with (read once per context, as the
    services read it at their first write): a digest, never the key."""
    key = services.ctx.audit_key()
    return "" if key is None else hashlib.sha256(key).hexdigest()
