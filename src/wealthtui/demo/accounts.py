"""The demo center's staff and their PINs — the one table of demo PINs.

The database stores only argon2 hashes; these PINs are printed by `wealthtui demo` and shown on
the login screen of a demo database only (meta `demo` = "1"). Each is 2468 followed by the last
two digits of the staff number: easy to type, and it passes the PIN rules (rules.pins: no
birthday-like date, no run, no staff number inside).
"""

from __future__ import annotations

from dataclasses import dataclass

from wealthtui.rules import permissions as p


@dataclass(frozen=True)
class DemoAccount:
    staff_no: str
    name: str
    roles: tuple[str, ...]
    pin: str


DEMO_STAFF: tuple[DemoAccount, ...] = (
    DemoAccount("8001", "王建华", (p.HEAD,), "246801"),
    DemoAccount("8002", "李秀英", (p.SUPERVISOR,), "246802"),
    # The business officer doubles as a non-cash teller at the VIP counter (manual ch.2 §1.4).
    DemoAccount("8003", "张伟", (p.OFFICER, p.NON_CASH_TELLER), "246803"),
    DemoAccount("8011", "刘洋", (p.CASH_TELLER,), "246811"),
    DemoAccount("8012", "陈静", (p.CASH_TELLER,), "246812"),
    DemoAccount("8021", "杨帆", (p.NON_CASH_TELLER,), "246821"),
    DemoAccount("8022", "赵敏", (p.NON_CASH_TELLER,), "246822"),
    DemoAccount("8031", "黄磊", (p.LOBBY_MANAGER,), "246831"),
    DemoAccount("8032", "周婷", (p.LOBBY_ASSISTANT,), "246832"),
    DemoAccount("8041", "吴昊", (p.WEALTH_CM,), "246841"),
    DemoAccount("8042", "徐慧", (p.WEALTH_CM,), "246842"),
    DemoAccount("8043", "孙鹏", (p.MARKETING_CM,), "246843"),
    DemoAccount("8044", "马丽", (p.CM_ASSISTANT,), "246844"),
)

#: who works which counter of the default configuration
DEMO_POSTS: dict[str, str] = {"01": "8011", "02": "8012", "03": "8021", "04": "8022", "VIP1": "8003"}

#: PIN of the extra staff `wealthtui gen` adds for a large center (client managers, tellers)
GENERATED_STAFF_PIN = "246800"


def demo_accounts() -> list[DemoAccount]:
    return list(DEMO_STAFF)
