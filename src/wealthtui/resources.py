"""Where the shipped data files live (inside the wheel, or data/ in a checkout), and the small
JSON cache in the user cache folder that keeps start-up short (DESIGN §6)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any


@cache
def data_dir() -> Path:
    """The `data/` folder: `wealthtui/data` in an installed wheel, else the checkout's `data/`."""
    packaged = Path(__file__).resolve().parent / "data"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("wealthtui data folder not found (broken installation)")


def data_file(*parts: str) -> Path:
    return data_dir().joinpath(*parts)


def stamp(path: Path) -> list[int]:
    """What tells that a file changed: its size and modification time."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def cache_key(value: Any) -> str:
    """A file name for a JSON-able value (raises TypeError/ValueError for anything else)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def read_cached(kind: str, key: str) -> Any:
    """The value kept by `write_cached(kind, key, ...)`, or None when there is none (or it cannot
    be read)."""
    try:
        return json.loads((_cache_dir(kind) / f"{key}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def write_cached(kind: str, key: str, value: Any, *, keep: int | None = None) -> None:
    """Keep a JSON-able value (atomically: a reader sees the old file or the new one). `keep`:
    how many entries of this kind to keep, the most recently written. A cache folder that cannot
    be written is not used."""
    folder = _cache_dir(kind)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, folder / f"{key}.json")
        if keep is not None:
            entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
            for old in entries[:-keep]:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def read_toml(path: Path) -> dict[str, Any]:
    """A shipped TOML file (catalogs, default settings), parsed.

    tomllib is pure Python and the catalogs are large, so the parsed table is also kept as JSON in
    the user cache folder (one file per source file, with the source's size and modification
    time): the next start reads that instead, a tenth of a millisecond against tens. A table JSON
    cannot hold (dates) is not cached; a cache folder that cannot be written is not used.
    """
    key = cache_key(str(path.resolve()))
    now = stamp(path)
    kept = read_cached("toml", key)
    if isinstance(kept, dict) and kept.get("stamp") == now and "data" in kept:
        return kept["data"]  # type: ignore[no-any-return]
    import tomllib

    data = tomllib.loads(path.read_text("utf-8"))
    write_cached("toml", key, {"stamp": now, "data": data})
    return data


def _cache_dir(kind: str) -> Path:
    """The user cache folder for one kind of entry (`toml`, `settings`)."""
    from platformdirs import user_cache_path

    return user_cache_path("wealthtui", appauthor=False) / kind
