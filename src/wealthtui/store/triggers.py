"""The append-only triggers of the audit table, as migration 0001 made them, and a check that
they are still there and unchanged (SQLite: `sqlite_master`; PostgreSQL: `pg_trigger` and the
function they run)."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from wealthtui.store.seals import Finding

VERBS = ("UPDATE", "DELETE")
PG_FUNCTION = "audit_event_append_only"
PG_FUNCTION_BODY = " BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; "


def trigger_name(verb: str) -> str:
    return f"audit_event_no_{verb.lower()}"


def sqlite_sql(verb: str) -> str:
    return (f"CREATE TRIGGER {trigger_name(verb)} BEFORE {verb} ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")


def pg_trigger_sql(verb: str) -> str:
    return (f"CREATE TRIGGER {trigger_name(verb)} BEFORE {verb} ON audit_event "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()")


def _norm(sql: str) -> str:
    return re.sub(r"\s+", " ", sql or "").strip().rstrip(";").lower()


def check(conn: Connection) -> list[Finding]:
    """One finding per trigger that is missing or not the expected definition."""
    findings: list[Finding] = []
    if conn.dialect.name == "sqlite":
        found = dict(conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all())
        for verb in VERBS:
            name = trigger_name(verb)
            if name not in found:
                findings.append(Finding("tamper.trigger.missing", {"name": name}))
            elif _norm(found[name]) != _norm(sqlite_sql(verb)):
                findings.append(Finding("tamper.trigger.altered", {"name": name}))
        return findings
    rows = conn.execute(text(
        "SELECT t.tgname, pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = 'audit_event' "
        "AND c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal")).all()
    found_pg = {r[0]: (r[1], r[2]) for r in rows}
    for verb in VERBS:
        name = trigger_name(verb)
        if name not in found_pg:
            findings.append(Finding("tamper.trigger.missing", {"name": name}))
            continue
        definition, enabled = found_pg[name]
        if _norm(definition).replace("public.", "").replace("procedure", "function") != \
                _norm(pg_trigger_sql(verb)) or enabled == "D":
            findings.append(Finding("tamper.trigger.altered", {"name": name}))
    body = conn.execute(text(
        "SELECT p.prosrc FROM pg_proc p WHERE p.proname = :name "
        "AND p.pronamespace = current_schema()::regnamespace"), {"name": PG_FUNCTION}).scalar()
    if body is None:
        findings.append(Finding("tamper.trigger.missing", {"name": PG_FUNCTION}))
    elif _norm(body) != _norm(PG_FUNCTION_BODY):
        findings.append(Finding("tamper.trigger.altered", {"name": PG_FUNCTION}))
    return findings
