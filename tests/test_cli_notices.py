"""`wealthtui notices send|list` (issue 18): the outbox flushed from the command line, acting as a
staff member, through the configured sender (a real local HTTP server here)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlmodel import Session, select

from tests.services.test_notices import robot  # noqa: F401
from tests.test_cli import HEAD, cli, demo_db, zh  # noqa: F401
from wealthtui.config import load_settings
from wealthtui.model import Client
from wealthtui.services import Services
from wealthtui.store.engine import make_engine


def queue_one(db: Path) -> int:
    engine = make_engine(str(db))
    try:
        services = Services(engine, load_settings())
        head = services.auth.login(HEAD.staff_no, HEAD.pin)
        with Session(engine) as s:
            client = s.exec(select(Client).where(Client.phone != "").limit(1)).one()
        return services.notices.queue(
            head, "maturity", {"client": client.name, "product": "稳健型理财（90天）",
                               "maturity_date": "2026年12月15日", "staff": "吴昊"},
            client_id=client.id, channel="webhook").id
    finally:
        engine.dispose()


def test_notices_send_flushes_the_outbox_through_the_webhook(cli, demo_db: Path, robot) -> None:  # noqa: F811
    state, url = robot
    config = Path(os.environ["WEALTHTUI_CONFIG"])
    db = ("--db", str(demo_db))
    as_head = {"WEALTHTUI_PIN": HEAD.pin}
    # the demo's own outbox (its appointments' confirmations) goes first, by the log-only sender
    assert cli("notices", "send", "--as", HEAD.staff_no, *db, env=as_head).exit_code == 0
    queued = queue_one(demo_db)
    config.write_text(config.read_text() + f'\n[notices]\nsender = "webhook"\nwebhook_url = "{url}"\n')
    state.replies = [(503, {})]
    first = cli("notices", "send", "--as", HEAD.staff_no, *db, env=as_head)
    assert first.exit_code == 0, first.output
    assert zh["notices.cli.summary"].format(sent=0, failed=1) in first.stdout
    assert f"通知 {queued} 发送失败：HTTP 503" in first.stdout
    failed = cli("notices", "list", "--failed", "--as", HEAD.staff_no, *db, env=as_head)
    assert failed.stdout.startswith(f"{queued}  failed  maturity  webhook")
    # the retry is due after retry_seconds; the head sends it again now
    engine = make_engine(str(demo_db))
    try:
        services = Services(engine, load_settings())
        services.notices.retry(services.auth.login(HEAD.staff_no, HEAD.pin), queued)
    finally:
        engine.dispose()
    second = cli("notices", "send", "--as", HEAD.staff_no, *db, env=as_head)
    assert zh["notices.cli.summary"].format(sent=1, failed=0) in second.stdout
    assert len(state.bodies) == 2 and state.bodies[1]["msgtype"] == "text"
    assert cli("notices", "list", "--failed", "--as", HEAD.staff_no, *db,
               env=as_head).stdout.strip() == zh["notices.cli.empty"]
