"""Masking of identity numbers, phones and card numbers with the configured rule."""

from __future__ import annotations

from collections.abc import Callable

from wealthtui.config import Settings
from wealthtui.rules.fields import mask, mask_phone, masker


def id_number(settings: Settings, value: str | None) -> str:
    s = settings.security
    return mask(value, s.id_mask_head, s.id_mask_tail)


def phone(settings: Settings, value: str | None) -> str:
    s = settings.security
    return mask_phone(value, s.phone_mask_head, s.phone_mask_tail)


def card(settings: Settings, value: str | None) -> str:
    s = settings.security
    return mask(value, s.card_mask_head, s.card_mask_tail)


def maskers(settings: Settings) -> tuple[Callable[[str | None], str], ...]:
    """`id_number`, `phone` and `card` with the settings applied, for masking many values."""
    s = settings.security
    return (masker(s.id_mask_head, s.id_mask_tail),
            masker(s.phone_mask_head, s.phone_mask_tail, phone=True),
            masker(s.card_mask_head, s.card_mask_tail))
