"""`wealthtui targets preview|create|assign|progress --as STAFFNO`: signed in like the staff
commands, through the target service (its permissions and audit), on a real SQLite center."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.lobby_data import add_client
from tests.test_cli import one_line
from wealthtui.model import AuditEvent
from wealthtui.services import Actor, Services

PIN = {"WEALTHTUI_PIN": "246810"}


@pytest.fixture
def wealthtui_cli(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `wealthtui ARGS` in-process: never a traceback."""
    from typer.testing import CliRunner

    from wealthtui.cli import app

    for var in ("WEALTHTUI_PIN", "WEALTHTUI_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        result = runner.invoke(app, list(args), env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert "Traceback" not in result.output
        return result

    return run


@pytest.fixture
def center(services: Services, head: Actor, make_staff: Any, db_path: Path) -> dict[str, Any]:
    cm1 = make_staff("wealth_cm", staff_no="C1", name="李理财")
    cm2 = make_staff("wealth_cm", staff_no="C2", name="周理财")
    for i in range(1, 7):
        add_client(services.ctx.engine, f"客户{i}", seq=i, tier="premium",
                   cm_id=(cm1 if i <= 4 else cm2).staff_id)
    add_client(services.ctx.engine, "无经理", seq=9, tier="premium")
    return {"db": ["--db", str(db_path)], "cm1": cm1, "cm2": cm2}


def test_preview_create_assign_progress(wealthtui_cli, center: dict[str, Any], services: Services,
                                        head: Actor) -> None:
    db, cli = center["db"], wealthtui_cli
    preview = cli("targets", "preview", "--tiers", "premium", "--as", "H001", *db, env=PIN)
    assert preview.exit_code == 0, preview.output
    assert one_line(preview.stdout) == "符合条件：7 人（有专属客户经理 6，无 1）"
    made = cli("targets", "create", "--name", "[b]年末[/b]", "--deadline", "2030-12-31",
               "--tiers", "premium", "--mode", "book", "--cm", "C2", "--as", "H001", *db,
               env=PIN)
    assert made.exit_code == 0, made.output
    assert "名单 #1「[b]年末[/b]」已建立：7 个目标" in made.stdout   # the name as typed
    [listed] = services.targets.lists(head)
    by_cm = {p.cm_name: p.total for p in services.targets.progress(head, listed.id)}
    assert by_cm == {"李理财": 4, "周理财": 3}           # by book; the one without a CM to C2
    again = cli("targets", "assign", str(listed.id), "--mode", "even", "--cm", "C1,C2",
                "--as", "H001", *db, env=PIN)
    assert again.exit_code == 0, again.output
    assert sorted(p.total for p in services.targets.progress(head, listed.id)) == [3, 4]
    progress = cli("targets", "progress", str(listed.id), "--as", "H001", *db, env=PIN)
    assert progress.exit_code == 0 and "李理财" in progress.stdout and "周理财" in progress.stdout
    lists = cli("targets", "progress", "--as", "H001", *db, env=PIN)
    assert "[b]年末[/b]" in lists.stdout
    with Session(services.ctx.engine) as s:
        actions = [e.action for e in s.exec(select(AuditEvent).where(
            AuditEvent.entity == "target_list")).all()]
    assert actions == ["targetlist.create", "targetlist.assign"]


def test_bad_input_and_refusals_are_one_line(wealthtui_cli, center: dict[str, Any]) -> None:
    db, cli = center["db"], wealthtui_cli
    month = cli("targets", "preview", "--birthday-month", "13", "--as", "H001", *db, env=PIN)
    assert month.exit_code == 1
    assert one_line(month.stderr).endswith("生日月份：应为 1 到 12 之间的整数。")
    nothing = cli("targets", "preview", "--as", "H001", *db, env=PIN)
    assert nothing.exit_code == 1 and "筛选条件" in one_line(nothing.stderr)
    unknown = cli("targets", "create", "--name", "x", "--deadline", "2030-12-31", "--tiers",
                  "premium", "--mode", "even", "--cm", "C9", "--as", "H001", *db, env=PIN)
    assert unknown.exit_code == 1 and one_line(unknown.stderr).endswith("找不到客户经理 C9。")
    # a CM previews and builds from their own book only, and cannot deal to others
    own = cli("targets", "preview", "--tiers", "premium", "--as", "C1", *db, env=PIN)
    assert one_line(own.stdout) == "符合条件：4 人（有专属客户经理 4，无 0）"
    deal = cli("targets", "create", "--name", "x", "--deadline", "2030-12-31", "--tiers",
               "premium", "--mode", "even", "--cm", "C2", "--as", "C1", *db, env=PIN)
    assert deal.exit_code == 1 and "自己的客户" in one_line(deal.stderr)
    wrong = cli("targets", "preview", "--tiers", "premium", "--as", "H001", *db,
                env={"WEALTHTUI_PIN": "000000"})
    assert wrong.exit_code == 1
