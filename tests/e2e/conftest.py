"""Fixtures of the end-to-end tests."""

from tests.e2e.installed_demo import installed_demo  # noqa: F401
