"""Tests of wealthtui.services."""
