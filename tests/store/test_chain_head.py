"""The audit chain's head read with the actor (issue 21, the write path's cost): a write does not
read the head again when it appends; the head moves by a compare-and-set. When something else
appended in the same transaction meanwhile, the append reads the head again and chains onto it:
the chain stays whole and `db check` finds nothing. On a real SQLite file and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, text

from wealthtui.services import Actor, Services
from wealthtui.services.audit import store_findings, verify_engine
from wealthtui.services.uow import UnitOfWork, append_audit, run_in_uow


def events(engine: Engine) -> list[tuple[int, str, str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(  # type: ignore[misc]
            "SELECT id, action, prev_hash, hash FROM audit_event ORDER BY id"))]


def test_a_call_chains_onto_what_its_own_transaction_appended(engine: Engine, services: Services,
                                                               head: Actor) -> None:
    before = events(engine)

    def body(uow: UnitOfWork) -> None:
        assert uow.head is not None  # read with the actor, under the write lock
        uow.audit("test.own", "test", 1)
        # another append in the same transaction (as a bulk writer would): the head read at the
        # start is stale now
        append_audit(uow.session, at=uow.now, actor_id=uow.actor_id, action="test.direct",
                     entity="test", entity_id=2, key=uow.ctx.audit_key())

    run_in_uow(services.ctx, head.staff_id, True, body)
    after = events(engine)
    added = after[len(before):]
    assert [a for _, a, _, _ in added] == ["test.direct", "test.own"]
    ids = [i for i, _, _, _ in after]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # no id twice, none skipped
    for (_, _, _, prev), (_, _, linked, _) in zip(after, after[1:], strict=False):
        assert linked == prev  # each event chained onto the one before
    with engine.connect() as conn:
        last_id, last_hash = conn.execute(text(
            "SELECT last_id, last_hash FROM audit_head WHERE id = 1")).one()
    assert (last_id, last_hash) == (after[-1][0], after[-1][3])
    assert verify_engine(engine).ok
    assert store_findings(engine) == []


def test_writes_in_a_row_keep_the_chain_whole(engine: Engine, services: Services,
                                              head: Actor, make_staff) -> None:  # type: ignore[no-untyped-def]
    lobby = make_staff("lobby_manager", staff_no="L1", name="赵大堂")
    for _ in range(3):
        services.queue.issue(lobby, "A")
    with engine.connect() as conn:
        last_id = conn.execute(text("SELECT last_id FROM audit_head WHERE id = 1")).scalar_one()
        top = conn.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
    assert last_id == top
    assert verify_engine(engine).ok
    assert store_findings(engine) == []
