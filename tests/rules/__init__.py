"""Tests of wealthtui.rules."""
