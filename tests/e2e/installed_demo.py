"""One demo center built by the INSTALLED `wealthtui demo` per test run, copied by each
end-to-end test that needs one (building it takes most of a minute; each test used to build
its own). The copy brings the audit key file with it, as staff copy it to a second machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

EXE = Path(sys.executable).parent / "wealthtui"
#: the lowest PIN-hash cost: the same code path, ~1 ms per PIN check instead of ~100 ms
FAST_CONFIG = ("[security]\npin_hash_time_cost = 1\npin_hash_memory_kib = 64\n"
               "pin_hash_parallelism = 1\n")


def clean_env(folder: Path) -> dict[str, str]:
    """The environment of an installed program whose config, key and data live in `folder`."""
    config = folder / "config.toml"
    if not config.exists():
        config.write_text(FAST_CONFIG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEALTHTUI_")}
    env.update({"WEALTHTUI_CONFIG": str(config), "WEALTHTUI_DATA_DIR": str(folder / "data"),
                "WEALTHTUI_LANG": "zh_CN", "TERM": "xterm-256color", "LANG": "C.UTF-8",
                "LC_ALL": "C.UTF-8"})
    return env


@dataclass(frozen=True)
class BuiltDemo:
    folder: Path
    accounts: list[dict[str, Any]]
    json_text: str

    def copy_to(self, folder: Path) -> tuple[dict[str, str], Path]:
        """The demo center copied into `folder` with its audit key: (environment, database)."""
        env = clean_env(folder)
        shutil.copyfile(self.folder / "center.db", folder / "center.db")
        shutil.copyfile(self.folder / "audit.key", folder / "audit.key")
        (folder / "audit.key").chmod(0o600)
        return env, folder / "center.db"


@pytest.fixture(scope="session")
def installed_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    assert EXE.is_file(), f"the console script is not installed at {EXE} (pip install -e .)"
    folder = tmp_path_factory.mktemp("installed-demo")
    built = subprocess.run([str(EXE), "demo", "--db", str(folder / "center.db"), "--json"],
                           env=clean_env(folder), capture_output=True, text=True, timeout=600,
                           check=False)
    assert built.returncode == 0, built.stderr
    text = built.stdout[built.stdout.index("["):]
    assert (folder / "audit.key").is_file(), "the demo wrote no audit key beside its config"
    return BuiltDemo(folder, json.loads(text), text)
