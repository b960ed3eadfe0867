"""The benchmark's PostgreSQL column: the bench center copied onto the local server.

    .venv/bin/python bench/pg_copy.py [--small] [--pg URL]   (make or reuse the copy of the
                                          busy center, or the 10k one; print its size, time)

The server is the one the test suite uses (`scripts/test-postgres.sh` starts it when it can and
prints its URL; nothing printed: no server, and the PostgreSQL figures say "not run: no
server"). A center is copied from its generated SQLite file (bench/dbs.py) with the product's
own `wealthtui db copy` path (store/copy.py: COPY table by table in foreign-key order, the
sequences moved past the ids, ANALYZE), into the database `wt_bench_<center>_<hash of the
source's path>` (one per worktree) — far faster than generating it again on PostgreSQL, and
the very same clients, days and tickets as the SQLite side, so the two columns measure the same
center.

The copy is reused while its source and the schema are unchanged: a stamp beside the source
(`bench/work/<center>.pg.json`) holds the database's name, the source file's identity (inode and
the generator line, which a `gen` writes anew) and the schema revision; a source generated again,
a newer migration or a missing database makes the copy again. The runs then work on each side
separately (today filled on each, sign-ins audited on each).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent / "scripts" / "test-postgres.sh"


@dataclass(frozen=True)
class PgCenter:
    url: str
    database: str
    seconds: float | None  # the copy's time; None: reused
    size: int              # bytes on the server (pg_database_size)
    rows: int | None       # rows copied; None: reused


def server() -> str:
    """The local server's URL (scripts/test-postgres.sh), or "" when there is none."""
    try:
        done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=120,
                              check=False, cwd=HERE.parent)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    return lines[-1] if lines and lines[-1].startswith("postgresql") else ""


def _stamp_path(source: Path) -> Path:
    return source.with_suffix(".pg.json")


def _identity(source: Path) -> dict[str, object]:
    import dbs

    from wealthtui.store import schema

    return {"source": str(source.resolve()), "inode": source.stat().st_ino,
            "generator": dbs._generator(source), "schema": schema.head_revision()}


def _current(target: str) -> bool:
    from wealthtui.store import schema
    from wealthtui.store.engine import make_engine

    engine = make_engine(target)
    try:
        return bool(schema.state(engine).up_to_date)
    except Exception:  # noqa: BLE001 - not readable as a center: made again
        return False
    finally:
        engine.dispose()


def ensure(url: str, source: Path, say=print) -> PgCenter:  # type: ignore[no-untyped-def]
    """The PostgreSQL copy of the center in `source` on the server at `url`, made or reused."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from wealthtui.store.copy import copy_center
    from wealthtui.store.engine import make_engine

    # one database per source file: two worktrees' benches on one server never share a copy
    where = hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:8]
    name = f"wt_bench_{source.stem.replace('-', '_').replace('.', '_')}_{where}"
    target = make_url(url).set(database=name).render_as_string(hide_password=False)
    stamp = _stamp_path(source)
    wanted = {"database": name, **_identity(source)}
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": name}).first() is not None
        kept = json.loads(stamp.read_text("utf-8")) if stamp.is_file() else None
        if exists and kept == wanted and _current(target):
            say(f"  reusing PostgreSQL database {name} (a copy of {source.name})")
            seconds, rows = None, None
        else:
            with admin.connect() as conn:
                if exists:
                    conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            stamp.unlink(missing_ok=True)
            say(f"  copying {source.name} into PostgreSQL database {name} (wealthtui db copy) …")
            engine = make_engine(target)
            try:
                result = copy_center(source, engine)
            finally:
                engine.dispose()
            stamp.write_text(json.dumps(wanted), "utf-8")
            seconds, rows = result.seconds, result.total
            say(f"  … {rows:,} rows in {seconds:.1f} s")
        with admin.connect() as conn:
            size = int(conn.execute(text("SELECT pg_database_size(:n)"), {"n": name}).scalar()
                       or 0)
    finally:
        admin.dispose()
    return PgCenter(target, name, seconds, size, rows)


def main() -> int:
    import argparse

    import dbs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the 10,000-client center")
    parser.add_argument("--pg", default=None, help="the server (default: test-postgres.sh)")
    args = parser.parse_args()
    spec = dbs.SMALL if args.small else dbs.LARGE
    url = args.pg or server()
    if not url:
        print("not run: no server")
        return 1
    dbs.ensure([spec], print)
    made = ensure(url, spec.path)
    print(f"{made.database}: {made.size / 1e6:.0f} MB on the server; "
          + (f"copied in {made.seconds:.1f} s ({made.rows:,} rows)" if made.seconds is not None
             else "reused"))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
