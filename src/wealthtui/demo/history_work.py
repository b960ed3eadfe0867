"""What the demo's history days (demo.history, rows) also do through the real services, before
each of them is closed (issue 21):

- **CM sales**: each CM logs a contact or two a day that sell a product (the contact service,
  with its suitability check and, where `[compliance.dual_recording]` names the sale, the
  recording entered first — demo.sales), so the month's CM figures are not the previous day's
  alone;
- **complaints investigated later**: one complaint received on an early history day is not
  settled on the spot: the supervisor takes it to investigate, replies to the client and the
  head closes it on a later business day (the complaint service; the day it was received is
  closed by then, model.Complaint's lifecycle columns).

A FixedClock is moved to each moment before the call, as in demo.workday.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wealthtui.demo import sales
from wealthtui.demo.pools import pools
from wealthtui.demo.population import Directory
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Actor, Services

#: sales a CM's contacts make on a history day (inclusive)
CM_SALES_PER_DAY = (1, 2)
#: what a CM's sale is worth, in yuan
CM_SALE_YUAN = (50_000, 100_000, 200_000, 300_000)
#: business days after its receipt that the complaint investigated later is replied and closed
CLOSED_AFTER = 2
FEES = "fees"  # the complaint investigated (data/demo/pools.toml)


@dataclass
class HistoryWork:
    """The services' part of the history days: call `day(d)` for each history day, oldest
    first, while that day is still open."""

    services: Services
    clock: FixedClock
    rng: random.Random
    directory: Directory
    cms: list[Actor]
    receiver: Actor    # who receives the complaint (the lobby manager)
    supervisor: Actor  # who investigates and replies
    head: Actor        # who closes it
    days: list[date]   # the history days, oldest first
    sales: int = 0
    complaints: int = 0
    #: business day → complaints (id, its spec) to reply to and close that day
    _due: dict[date, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tz = ZoneInfo(self.services.settings.center.timezone)

    def day(self, day: date) -> None:
        for cm in self.cms:
            for _ in range(self.rng.randint(*CM_SALES_PER_DAY)):
                self._sell(cm, day)
        k = self.days.index(day)
        if k == 0 and len(self.days) > CLOSED_AFTER:  # replied and closed within the history
            self._receive(day, self.days[k + CLOSED_AFTER])
        for complaint_id, spec in self._due.pop(day, []):
            self._reply_and_close(day, complaint_id, spec)

    def _at(self, day: date, minute: float) -> datetime:
        return datetime.combine(day, time(0), self.tz) + timedelta(seconds=round(minute * 60))

    # --- CM sales ------------------------------------------------------------------------------
    def _sell(self, cm: Actor, day: date) -> None:
        """A contact of the CM's own book that sells a product the rules allow the client that
        day; a client the rules allow nothing is not sold to (no contact is made up)."""
        rng, text = self.rng, pools()["history"]
        book = self.directory.clients_of.get(cm.staff_id)
        if not book:
            return
        client = int(book[rng.randrange(len(book))])
        self.clock.set(self._at(day, rng.uniform(9.5 * 60, 16.5 * 60)))
        _attempt, product = sales.pick(rng, self.services, client, day)
        if product is None:
            return
        amount = str(rng.choice(CM_SALE_YUAN))
        if sales.needs_recording(self.services, client, product, day):
            sales.enter_recording(self.services, cm, client, product,
                                  f"SR{day:%Y%m%d}-C{self.sales + 1:04d}")
        self.services.contacts.log(
            cm, client, channel=rng.choice(("meeting", "visit")), purpose="product",
            content=rng.choice(text["contact_contents"]), result="sold", products=[product],
            sale_amount=amount)
        self.sales += 1

    # --- a complaint investigated on later days --------------------------------------------------
    def _receive(self, day: date, reply_on: date) -> None:
        rng = self.rng
        settings = self.services.settings
        cfg = settings.complaints
        spec = next(c for c in pools()["history"]["complaints"] if c["category"] == FEES)
        category = cfg.category(spec["category"]) or cfg.categories[0]
        sub = next((s.code for s in category.subcategories if s.code == spec["subcategory"]),
                   category.subcategories[0].code if category.subcategories else "")
        channel = spec["channel"] if cfg.channel(spec["channel"]) else cfg.channels[0].code
        picked = self.directory.pick(rng, [t.code for t in settings.tiers])
        minute = rng.uniform(10 * 60, 15 * 60)
        self.clock.set(self._at(day, minute))
        c = self.services.complaints.intake(
            self.receiver, channel=channel, category=category.code, subcategory=sub,
            description=spec["description"], client_id=picked[0] if picked else None,
            requested_remedy=spec["remedy"])
        self.clock.set(self._at(day, minute + rng.uniform(15, 60)))
        self.services.complaints.assign(self.supervisor, c.id, self.supervisor.staff_id,
                                        pools()["history"]["complaint_assign_note"])
        self._due.setdefault(reply_on, []).append((c.id, spec))
        self.complaints += 1

    def _reply_and_close(self, day: date, complaint_id: int, spec: dict[str, str]) -> None:
        minute = self.rng.uniform(10 * 60, 14 * 60)
        self.clock.set(self._at(day, minute))
        self.services.complaints.reply(self.supervisor, complaint_id, channel="phone",
                                       content=spec["reply"], options_told=True)
        self.clock.set(self._at(day, minute + self.rng.uniform(60, 120)))
        self.services.complaints.close(self.head, complaint_id, spec["root_cause"],
                                       spec["rectification"])
