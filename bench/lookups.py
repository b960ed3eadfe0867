"""Client look-up as the lobby types it: exact card number, exact ID number, name, pinyin prefix.

The program's side is the whole service call, `services.lookup.search(lobby_manager, text)`: the
permission check, the indexed queries, the client cards (masked numbers, CM, flags). The raw side
is the same indexed query in Python's `sqlite3`: exactly the SQL statements the service sent for
that text (recorded from the service with their parameters, transaction included), replayed on a
plain connection with every row fetched. So the ratio is what the program adds on top of the
database work it asks for; and the growth from 10,000 to 1,000,000 clients shows whether that
work is an index look-up (it should hardly grow) or a scan.

On PostgreSQL (`measure(…, url=…)`, a copy of the same center made by `wealthtui db copy`,
bench/pg_copy.py) the service runs on that database and the raw side is a plain psycopg
autocommit connection replaying the statements it sent on one kept cursor (as the lean read
runs them there: each its own read-only transaction); the clients looked up are picked from the SQLite file the
copy was made from, so both backends look up the same people.

The statements are recorded with the engine's `before_cursor_execute` event. The look-up is a
lean read (services.lean): it runs on its own DBAPI connection, not through SQLAlchemy's
execution, and announces each statement to that event itself (BEGIN and COMMIT included); each
recording is checked to hold the actor check and a client query, so a look-up whose SQL escaped
the recorder (and would leave the raw side with less work) stops the benchmark.

The two sides alternate, run by run, so both see the same machine and the same cache. Each
look-up is run `repeats` times on each side; its time is the median of its runs, and the p50 and
p95 are taken over the look-ups (the p95 of every single run is kept too). On a shared virtual
machine a run is now and then held up for 50–100 µs by something outside the process (no page
fault, no context switch is counted for it); that hits a run in proportion to its length, so the
p95 of single runs measures the machine more than the program. The median of a look-up's runs
does not, while a look-up that is slow every time (more rows, a colder part of the index) still
counts at its full time.
"""

from __future__ import annotations

import random
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from stats import captured_sql, percentile

KINDS = ("card", "id_number", "name", "pinyin")
LOBBY_MANAGER = ("8031", "246831")


@dataclass(frozen=True)
class KindResult:
    kind: str
    lookups: int
    repeats: int
    statements: float        # statements per look-up (mean)
    service_p50: float       # over the look-ups, each the median of its runs
    service_p95: float
    raw_p50: float
    raw_p95: float
    service_p95_runs: float  # over every single run
    raw_p95_runs: float

    @property
    def ratio_p95(self) -> float:
        return self.service_p95 / self.raw_p95

    @property
    def ratio_p95_runs(self) -> float:
        return self.service_p95_runs / self.raw_p95_runs


def queries(db: Path, count: int, seed: int = 11, url: str | None = None) -> dict[str, list[str]]:
    """`count` look-ups of each kind, for clients picked at random (the same ones every run) among
    those with a resident ID card (the ID number typed in full); read from the PostgreSQL copy
    when `url` is given (walk-ins added later differ between the two sides)."""
    rng = random.Random(seed)
    with (pg_connect(url, queries=True) if url else
          sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        top = con.execute("SELECT max(id) FROM client").fetchone()[0]
        out: dict[str, list[str]] = {k: [] for k in KINDS}
        while len(out["card"]) < count:
            cid = rng.randint(1, top)
            row = con.execute("SELECT name, name_pinyin, id_number FROM client WHERE id = ? "
                              "AND id_type = 'resident'", (cid,)).fetchone()
            card = con.execute("SELECT number FROM client_account WHERE client_id = ? "
                               "ORDER BY id LIMIT 1", (cid,)).fetchone()
            if row is None or card is None or len(row[1]) < 4:
                continue
            name, pinyin, id_number = row
            out["card"].append(card[0])
            out["id_number"].append(id_number)
            out["name"].append(name)
            out["pinyin"].append(pinyin[:4])
    return out


def _check_recorded(text: str, statements: list[tuple[str, object]]) -> None:
    """The recording holds the whole look-up: the actor's staff row and a query of clients."""
    sql = [s for s, _ in statements]
    if not any("FROM staff" in s and "WHERE staff.id" in s for s in sql) or not any(
            "FROM client" in s for s in sql):
        raise RuntimeError(f"the SQL of the look-up of {text!r} was not all recorded: {sql}")


def _replay(con: sqlite3.Connection, statements: list[tuple[str, object]]) -> None:
    for sql, params in statements:
        con.execute(sql, params or ()).fetchall()  # type: ignore[arg-type]
    if con.in_transaction:
        con.execute("COMMIT")


def _pg_replay(cur, statements: list[tuple[str, object]]) -> None:  # type: ignore[no-untyped-def]
    """The same on a psycopg cursor of an autocommit connection: each statement its own
    transaction, as the service's lean read runs them on PostgreSQL (services/lean.py)."""
    for sql, params in statements:
        if sql in ("BEGIN", "COMMIT", "ROLLBACK"):
            continue
        cur.execute(sql, params or None)
        cur.fetchall()


def pg_connect(url: str, *, queries: bool = False):  # type: ignore[no-untyped-def]
    """A plain psycopg connection; with `queries`, one that takes sqlite3's `?` placeholders
    (the few statements of `queries`)."""
    import psycopg

    con = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                          autocommit=not queries)
    if queries:
        class Qmark(psycopg.ClientCursor):
            def execute(self, query, params=None, **kw):  # type: ignore[no-untyped-def, override]
                return super().execute(query.replace("?", "%s"), params, **kw)

        con.cursor_factory = Qmark
    return con


def measure(db: Path, *, per_kind: int = 200, repeats: int = 10,
            url: str | None = None) -> list[KindResult]:
    """On the SQLite file `db`, or with `url` on the PostgreSQL copy of it."""
    from wealthtui.config import load_settings
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    engine = make_engine(url or str(db))
    services = Services(engine, load_settings(environ={}))
    actor = services.auth.login(*LOBBY_MANAGER)
    if url:
        raw_con = pg_connect(url)
        raw = raw_con.cursor()  # one cursor, kept, like the lean reader's
        replay = _pg_replay
    else:
        raw = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
        replay = _replay
    results = []
    try:
        for kind, texts in queries(db, per_kind, url=url).items():
            svc: list[float] = []   # per look-up: the median of its runs
            base: list[float] = []
            svc_runs: list[float] = []
            base_runs: list[float] = []
            counts: list[int] = []
            for text in texts:
                with captured_sql(engine) as sent:
                    found = services.lookup.search(actor, text)
                if not found:
                    raise RuntimeError(f"look-up of {kind} {text!r} found nobody")
                statements = list(sent)
                _check_recorded(text, statements)
                counts.append(len(statements))
                # warm both, each once by the code that is timed: the recorded call above ran
                # with a listener attached, which the lean read serves by a slower path
                services.lookup.search(actor, text)
                replay(raw, statements)
                runs: list[float] = []
                raw_runs: list[float] = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    services.lookup.search(actor, text)
                    runs.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    replay(raw, statements)
                    raw_runs.append(time.perf_counter() - started)
                svc.append(percentile(runs, 50))
                base.append(percentile(raw_runs, 50))
                svc_runs += runs
                base_runs += raw_runs
            results.append(KindResult(kind, len(svc), repeats, sum(counts) / len(counts),
                                      percentile(svc, 50), percentile(svc, 95),
                                      percentile(base, 50), percentile(base, 95),
                                      percentile(svc_runs, 95), percentile(base_runs, 95)))
    finally:
        raw.close()
        if url:
            raw_con.close()
        engine.dispose()
    return results
