"""Where the shipped data files live (inside the wheel, or data/ in a checkout)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import Any


def data_dir() -> Path:
    """The `data/` folder: `wealthtui/data` in an installed wheel, else the checkout's `data/`."""
    packaged = Path(str(files("wealthtui"))) / "data"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("wealthtui data folder not found (broken installation)")


def data_file(*parts: str) -> Path:
    return data_dir().joinpath(*parts)


def read_toml(path: Path) -> dict[str, Any]:
    """A shipped TOML file (catalogs, default settings), parsed.

    tomllib is pure Python and the catalogs are large, so the parsed table is also kept as JSON in
    the user cache folder (one file per source file, with the source's size and modification
    time): the next start reads that instead, a tenth of a millisecond against tens. A table JSON
    cannot hold (dates) is not cached; a cache folder that cannot be written is not used.
    """
    stat = path.stat()
    stamp = [stat.st_size, stat.st_mtime_ns]
    cached = _cache_dir() / f"{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]}.json"
    try:
        kept = json.loads(cached.read_text("utf-8"))
        if kept["stamp"] == stamp:
            return kept["data"]  # type: ignore[no-any-return]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    import tomllib

    data = tomllib.loads(path.read_text("utf-8"))
    try:
        text = json.dumps({"stamp": stamp, "data": data}, ensure_ascii=False)
    except (TypeError, ValueError):
        return data
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, cached)
    except OSError:
        pass
    return data


def _cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("wealthtui", appauthor=False) / "toml"
