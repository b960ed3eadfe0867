"""The writers' queue of a SQLite file (store.turns): first come, first served across processes,
a stopped writer passed over, one thread of a process at a time, a write inside a write passes."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

from wealthtui.store.engine import make_engine
from wealthtui.store.turns import Turns, of, turns_path


def _numbers_drawn(path: Path) -> int:
    raw = os.pread(os.open(path, os.O_RDONLY), 8, 0) if path.exists() else b""
    return int.from_bytes(raw, "big") if len(raw) == 8 else 0


def _until_drawn(path: Path, n: int) -> None:
    """Wait until n numbers have been drawn from the queue (a condition, not a time)."""
    while _numbers_drawn(path) < n:
        time.sleep(0.005)


def _writer(path: str, name: str, log: str, patience: float) -> None:
    with Turns(Path(path), patience).turn():
        with open(log, "a", encoding="utf-8") as f:
            f.write(name + "\n")


def test_writers_of_several_processes_are_served_in_the_order_they_came(tmp_path: Path) -> None:
    path, log = tmp_path / "center.db.turns", tmp_path / "log.txt"
    ctx = multiprocessing.get_context("spawn")
    first = Turns(path, patience=600)
    children = []
    with first.turn() as number:
        assert number == 1
        for i, name in enumerate(("B", "C", "D", "E"), start=2):
            child = ctx.Process(target=_writer, args=(str(path), name, str(log), 600))
            child.start()
            children.append(child)
            _until_drawn(path, i)  # it has taken its number and waits for its turn
        assert not log.exists()  # nobody writes while the turn is held
    for child in children:
        child.join(120)
        assert child.exitcode == 0
    assert log.read_text("utf-8").split() == ["B", "C", "D", "E"]


def test_a_writer_that_does_not_finish_is_passed_over_after_the_patience(tmp_path: Path) -> None:
    path, log = tmp_path / "center.db.turns", tmp_path / "log.txt"
    ctx = multiprocessing.get_context("spawn")
    with Turns(path, patience=600).turn():
        impatient = ctx.Process(target=_writer, args=(str(path), "late", str(log), 0.0))
        impatient.start()
        impatient.join(120)
        assert impatient.exitcode == 0
        assert log.read_text("utf-8").split() == ["late"]  # while the first still holds its turn


def test_threads_of_one_process_take_their_turns_one_at_a_time(tmp_path: Path) -> None:
    turns = Turns(tmp_path / "center.db.turns", patience=600)
    inside, most = [0], [0]
    guard = threading.Lock()

    def write() -> None:
        for _ in range(50):
            with turns.turn():
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                with turns.turn() as nested:  # a write inside a write passes
                    assert nested is None
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert most[0] == 1
    assert _numbers_drawn(turns.path) == 200


def test_one_queue_per_sqlite_file_and_none_for_memory(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "center.db"))
    memory = make_engine("sqlite://")
    try:
        queue = of(engine)
        assert queue is not None and queue is of(engine)
        assert queue.path == turns_path(tmp_path / "center.db")
        with queue.turn() as number:
            assert number == 1
        assert queue.path.stat().st_mode & 0o777 == 0o600  # private, like the database
        assert of(memory) is None
    finally:
        engine.dispose()
        memory.dispose()


def test_engines_on_one_file_share_its_queue_until_the_last_is_gone(tmp_path: Path) -> None:
    import gc

    first, second = make_engine(str(tmp_path / "center.db")), make_engine(str(tmp_path / "center.db"))
    queue = of(first)
    assert queue is not None and of(second) is queue  # one queue per file in a process
    with queue.turn():
        pass
    fd = queue._fd
    assert fd is not None
    first.dispose()
    del first
    gc.collect()
    assert queue._fd == fd                           # the second engine still uses it
    second.dispose()
    del second
    gc.collect()
    assert queue._fd is None                         # closed with the last engine
