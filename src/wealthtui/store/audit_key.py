"""The audit key: the secret the audit chain is keyed with (HMAC-SHA-256, store.chain).

It is never stored in the database. It comes from the environment (`WEALTHTUI_AUDIT_KEY`, at
least 32 characters) or from the key file `audit.key` in the folder of the user config file
(`wealthtui locate` shows it), created with mode 0600 by `wealthtui init`, `demo` and `gen`.
Every machine that writes to a center's database needs the same key (copy the file, or set the
variable); a program without it cannot append to a keyed chain and says so.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "WEALTHTUI_AUDIT_KEY"
FILE_NAME = "audit.key"
MIN_LENGTH = 32


class AuditKeyError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def key_path() -> Path:
    from wealthtui.config import user_config_file

    return user_config_file().parent / FILE_NAME


def load() -> bytes | None:
    """The audit key, or None when there is none (the chain stays plain SHA-256)."""
    env = os.environ.get(ENV, "").strip()
    if env:
        if len(env) < MIN_LENGTH:
            raise AuditKeyError("tamper.error.key_short", name=ENV, length=MIN_LENGTH)
        return env.encode("utf-8")
    path = key_path()
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError("tamper.error.key_unreadable", path=str(path)) from exc
    if len(text) < MIN_LENGTH:
        raise AuditKeyError("tamper.error.key_short", name=str(path), length=MIN_LENGTH)
    return text.encode("ascii")


@contextmanager
def passed_on(*, config_file: Path | None = None, key: bytes | None = None) -> Iterator[None]:
    """For the length of the block, which audit key a center is built with or written by:
    `config_file` (when given) becomes WEALTHTUI_CONFIG, whose folder holds the key file, and the
    key in the environment is `key` (none when None, so the key file decides). Both variables
    are put back as they were afterwards. A template built for tests, or the processes of a
    bench race, get the key they mean, not one the caller's environment happened to hold."""
    names = ("WEALTHTUI_CONFIG", ENV)
    saved = {name: os.environ.get(name) for name in names}
    if config_file is not None:
        os.environ["WEALTHTUI_CONFIG"] = str(config_file)
    if key is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = key.decode("utf-8")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def ensure() -> Path | None:
    """Create the key file (64 random hex digits, mode 0600) unless a key is already there or
    given in the environment. Returns the file written, or None."""
    if os.environ.get(ENV, "").strip():
        return None
    path = key_path()
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return path
