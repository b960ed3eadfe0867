"""The sample content the generators draw from (data/demo/pools.toml), loaded once."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from wealthtui.resources import data_file


@cache
def pools() -> dict[str, Any]:
    return tomllib.loads(data_file("demo", "pools.toml").read_text("utf-8"))
