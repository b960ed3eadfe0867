"""The writer process of the crash test: writes hand-offs through the real services, and after each
commit appends the new id to a log file (flushed and fsynced). The test kills it with SIGKILL at
random moments; every id in the log must then be in the database."""

from __future__ import annotations

import os

from wealthtui.config import load_settings
from wealthtui.services import Services
from wealthtui.store.engine import make_engine


def main(db: str, log_path: str, sender_no: str, receiver_id: int, pin: str) -> None:
    settings = load_settings(overrides={"security": {"pin_hash_time_cost": 1,
                                                     "pin_hash_memory_kib": 64,
                                                     "pin_hash_parallelism": 1}})
    services = Services(make_engine(db), settings)
    actor = services.auth.login(sender_no, pin)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    i = 0
    while True:
        i += 1
        view = services.handoffs.create(actor, kind="general", to_staff_id=receiver_id,
                                        note=f"crash-{os.getpid()}-{i}")
        os.write(fd, f"{view.id} {view.note}\n".encode())
        os.fsync(fd)
