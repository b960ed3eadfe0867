"""Snapshots of the shell's own screens (login, lock, too small) at 80x24 and 120x40, both languages.

Review changes in snapshot_report.html; update with `pytest tests/ui --snapshot-update`.
"""

from __future__ import annotations

import pytest

from tests.ui.helpers import TEST_PIN, make_app, quiet_settings

# What `wealthtui demo` prints: a realistic set of demo accounts, including a name with the
# middle dot and staff holding several roles.
DEMO_PINS = [
    {"staff_no": "D001", "name": "王建国", "roles": ["head"], "pin": "100001"},
    {"staff_no": "D002", "name": "李秀英", "roles": ["supervisor"], "pin": "100002"},
    {"staff_no": "D003", "name": "张伟", "roles": ["officer", "non_cash_teller"], "pin": "100003"},
    {"staff_no": "D004", "name": "刘洋", "roles": ["cash_teller"], "pin": "100004"},
    {"staff_no": "D005", "name": "陈静", "roles": ["cash_teller"], "pin": "100005"},
    {"staff_no": "D006", "name": "杨帆", "roles": ["non_cash_teller"], "pin": "100006"},
    {"staff_no": "D007", "name": "赵敏", "roles": ["non_cash_teller"], "pin": "100007"},
    {"staff_no": "D008", "name": "黄磊", "roles": ["lobby_manager"], "pin": "100008"},
    {"staff_no": "D009", "name": "买买提·艾力", "roles": ["lobby_assistant"], "pin": "100009"},
    {"staff_no": "D010", "name": "周婷", "roles": ["wealth_cm"], "pin": "100010"},
    {"staff_no": "D011", "name": "吴昊", "roles": ["wealth_cm"], "pin": "100011"},
    {"staff_no": "D012", "name": "郑爽", "roles": ["marketing_cm"], "pin": "100012"},
]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_login_screen(snap_compare, services, settings, language, size):
    app = make_app(services, quiet_settings(settings, language=language), demo_pins=DEMO_PINS)
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_login_wrong_pin(snap_compare, services, head, settings, language):
    app = make_app(services, quiet_settings(settings, language=language))
    assert snap_compare(app, terminal_size=(80, 24),
                        press=[*"H001", "enter", *"000000", "enter"])


def test_lock_screen(snap_compare, services, head):
    app = make_app(services)

    async def lock(pilot):
        await pilot.press(*"H001", "enter", *TEST_PIN, "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.lock()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=lock)


def test_too_small(snap_compare, services):
    assert snap_compare(make_app(services), terminal_size=(70, 20))
