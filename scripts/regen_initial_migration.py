"""Development aid: rewrite the initial migration from the current models.

Only while no database with the initial schema has been released. Run with the project's venv:
    .venv/bin/python scripts/regen_initial_migration.py
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

from wealthtui.store.engine import make_engine
from wealthtui.store.schema import MIGRATIONS

VERSIONS = MIGRATIONS / "versions"
INITIAL = VERSIONS / "0001_initial.py"
TRIGGERS = '''
    # The audit trail is append-only: refuse UPDATE and DELETE in the database itself.
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql"
        )
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
            )
    op.execute("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '" + "0" * 64 + "')")
'''


def main() -> None:
    INITIAL.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(str(Path(tmp) / "blank.db"))
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    generated = next(VERSIONS.glob("0001_*.py"))
    text = generated.read_text()
    generated.unlink()
    text = re.sub(r"(def upgrade\(\) -> None:\n(?:.*\n)*?)(\n\ndef downgrade)",
                  lambda m: m.group(1).rstrip("\n") + "\n" + TRIGGERS + m.group(2), text, count=1)
    text = text.replace("    # ### end Alembic commands ###\n\n    # The audit", "    # ### end Alembic commands ###\n    # The audit")
    text = text.replace("Revises: \n", "Revises:\n")  # no trailing white space
    INITIAL.write_text(text)
    print(f"wrote {INITIAL}")


if __name__ == "__main__":
    main()
