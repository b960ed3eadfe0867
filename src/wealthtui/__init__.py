"""wealthtui — 理财中心前台工作台."""

__version__ = "0.1.0"
