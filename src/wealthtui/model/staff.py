"""Staff (员工) and their sign-in state."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class Staff(SQLModel, table=True):
    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    staff_no: str = Field(unique=True, max_length=20)
    name: str = Field(max_length=40)
    roles: str = Field(max_length=200)  # comma-separated role codes, see rules.permissions.ROLES
    pin_hash: str = Field(max_length=200)
    active: bool = True
    failed_pins: int = 0
    locked_until: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field()

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)
