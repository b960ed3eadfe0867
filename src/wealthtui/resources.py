"""Where the shipped data files live (inside the wheel, or data/ in a checkout)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


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
