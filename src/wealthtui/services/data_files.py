"""A rule file of data/ (or the branch's own, from the config) parsed once, and again when it
changes on disk; shared by the services that read one (the risk questionnaire, the anti-fraud
questions). A file that cannot be read or parsed is a Conflict naming it."""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from wealthtui.services.errors import Conflict

T = TypeVar("T")


class ParsedFile(Generic[T]):
    def __init__(self, parse: Callable[[dict[str, Any]], T], error_key: str) -> None:
        self._parse, self._error_key = parse, error_key
        self._lock = threading.Lock()
        self._cache: tuple[Path, int, T] | None = None

    def get(self, path: Path) -> T:
        try:
            stamp = path.stat().st_mtime_ns
            with self._lock:
                if self._cache is None or self._cache[:2] != (path, stamp):
                    doc = tomllib.loads(path.read_text(encoding="utf-8"))
                    self._cache = (path, stamp, self._parse(doc))
                return self._cache[2]
        except (OSError, tomllib.TOMLDecodeError, ValueError, KeyError, TypeError) as exc:
            raise Conflict(self._error_key, detail=f"{path}: {exc}") from exc
