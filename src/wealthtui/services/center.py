"""Facts about the center and its database (the `meta` table): whether it is a demo center, when
it was created. Unauthenticated reads: the login screen needs them before anyone signs in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from wealthtui import __version__
from wealthtui.model import Meta
from wealthtui.services.base import Service, UnitOfWork

DEMO = "demo"                # "1" for a demo or generated center: its PINs are public
CREATED_AT = "created_at"    # ISO time the center was created
CREATED_BY = "created_by"    # wealthtui version that created it
GENERATOR = "generator"      # how a demo center was made: "demo" or "gen clients=… days=…"


@dataclass(frozen=True)
class CenterInfo:
    name: str
    name_en: str
    code: str
    timezone: str
    demo: bool
    created_at: datetime | None
    meta: dict[str, str]


def write_meta(session: Session, values: dict[str, str]) -> None:
    """Set meta keys inside the caller's transaction."""
    for key, value in values.items():
        row = session.get(Meta, key) or Meta(key=key)
        row.value = value
        session.add(row)


def creation_meta(now: datetime, *, demo: bool, generator: str = "") -> dict[str, str]:
    out = {CREATED_AT: now.isoformat(), CREATED_BY: __version__, DEMO: "1" if demo else "0"}
    if generator:
        out[GENERATOR] = generator
    return out


class CenterService(Service):
    def meta(self) -> dict[str, str]:
        return self._read(lambda uow: {m.key: m.value for m in uow.session.exec(select(Meta))})

    def is_demo(self) -> bool:
        return self.meta().get(DEMO) == "1"

    def info(self) -> CenterInfo:
        meta = self.meta()
        c = self.settings.center
        created = meta.get(CREATED_AT)
        return CenterInfo(
            name=c.name, name_en=c.name_en, code=c.code, timezone=c.timezone,
            demo=meta.get(DEMO) == "1",
            created_at=datetime.fromisoformat(created) if created else None, meta=meta,
        )

    def mark_created(self) -> None:
        """Record when a new, real (not demo) center was set up. Does nothing the second time."""

        def body(uow: UnitOfWork) -> None:
            if uow.session.get(Meta, CREATED_AT) is None:
                write_meta(uow.session, creation_meta(uow.now, demo=False))
                uow.audit("center.create", "center", self.settings.center.code)

        self._write(body)
