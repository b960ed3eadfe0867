"""The days `wealthtui gen` writes are days a working center would have (issue 22).

- **Within opening hours** (`ServedDay`): the configured counters call tickets from the opening
  until `[calendar] closes` and never after; a client being served at closing is finished. A
  client whose wait passes their patience leaves, and those still waiting at closing leave then:
  their tickets are cancelled (event `cancelled`, by the lobby) — the overflow of a day busier
  than its counters is people who left, never calls after closing or on later days.
- **Each day closes as a real close leaves it** (`settle_handoffs`, once after the history):
  a hand-off still open or in progress at the end of its day (RowDay's fates `open` and
  `accepted`) was carried over by that day's close (`carried_to`, the next calendar day, as
  services.handoffs.carry_in sets it) and is finished on the next business day: the CM takes
  it in the morning and finishes it (a few declined); one nobody took that has passed
  `[handoffs] expire_after_hours` when that day opens is expired by the opening and goes back
  to its sender as a `returned` notice, which the sender marks done. Only those of the last
  business day are still open today, carried. (The complaint service's own hand-offs end with
  their complaints.)
- **CMs keep up with their book** (`keep_up`, once after the history): a follow-up promised in
  the contact log is made on its day (a `follow_up` contact that closes it), every premium
  client is contacted within their tier's cadence, and risk assessments are renewed before
  they expire — all on past business days, none in the future. What is left open is a handful
  (those due on the last business day or two), as on a real desk.

The day itself is demo.day's RowDay (its rows, shapes, routing and its serving loop,
RowDay.serve); this module adds the closing time and the clients' patience.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, func, select, update

from wealthtui.config import Settings
from wealthtui.demo.bulk import BulkWriter, Ids, make_row, table
from wealthtui.demo.day import LEFT, DayStats, RowDay, _Ticket
from wealthtui.demo.pools import pools
from wealthtui.demo.population import Directory
from wealthtui.demo.script import DayScript
from wealthtui.rules.agenda import workdays_after, workdays_before
from wealthtui.rules.clock import OpenDays

#: how long a waiting client stays before leaving, in minutes (uniform between the two)
PATIENCE_MINUTES = (50.0, 150.0)
#: what the lobby notes on the ticket of a client who left
LEFT_NOTE = LEFT
CLOSED_NOTE = "营业结束，客户离开"
#: the share of the items due on the last business days that the CMs have not done yet
LEFT_OPEN = 0.3
FOLLOW_UP_RESULTS = ("reached", "reached", "interested", "no_need", "declined")


def minutes_of(hhmm: str) -> float:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


class ServedDay(RowDay):
    """RowDay whose counters serve only within opening hours (the overflow leaves)."""

    def run(self, script: DayScript) -> DayStats:
        self.closes = script.hours.closes
        self.left = 0
        return super().run(script)

    def _leave(self, t: _Ticket, minute: float, note: str) -> None:
        self._event(t, "cancelled", minute, t.issued_by, note=note)
        t.status, t.finished, t.counter, t.served_by, t.called = "cancelled", minute, None, None, None
        self.left += 1

    def _serve(self, tickets: list[_Ticket]) -> None:
        """RowDay's serving loop (RowDay.serve), with the closing time and each client's
        patience; those still waiting at closing leave then."""
        patience = {t.id: self.rng.uniform(*PATIENCE_MINUTES) for t in tickets}
        for t in self.serve(tickets, closes=self.closes, patience=patience, leave=self._leave):
            gone = t.queued + patience[t.id]
            self._leave(t, min(gone, self.closes), LEFT_NOTE if gone < self.closes else CLOSED_NOTE)


@dataclass(frozen=True)
class KeptUp:
    follow_ups: int      # follow-ups made on their day
    care: int            # contacts to keep clients within their cadence
    risk_renewed: int    # risk assessments renewed before they expired
    left_open: int       # items the CMs have not done yet (due on the last business days)


class _Desk:
    """Writes the CMs' contacts of the keep-up pass."""

    def __init__(self, conn: Connection, settings: Settings, rng: random.Random, ids: Ids,
                 out: BulkWriter, today: date, days: OpenDays) -> None:
        self.conn, self.settings, self.rng, self.ids, self.out = conn, settings, rng, ids, out
        self.today, self.days = today, days
        self.tz = ZoneInfo(settings.center.timezone)
        self.opens, self.closes = minutes_of(settings.calendar.opens), \
            minutes_of(settings.calendar.closes)
        self.recent = {workdays_before(today, 1, days), workdays_before(today, 2, days)}

    def at(self, day: date) -> datetime:
        minute = self.rng.uniform(self.opens + 15, self.closes - 15)
        local = datetime.combine(day, time(0), self.tz) + timedelta(minutes=minute)
        return local.astimezone(UTC)

    def workday_on_or_after(self, day: date) -> date:
        return workdays_after(workdays_before(day, 1, self.days), 1, self.days)

    def contact(self, client: int, staff: int, day: date, purpose: str, content: str) -> int:
        cid = self.ids.next("contact_log")
        self.out.add("contact_log", make_row(
            "contact_log", id=cid, client_id=client, staff_id=staff, at=self.at(day),
            channel=self.rng.choice(("phone", "phone", "wechat", "visit")), purpose=purpose,
            content=content, result=self.rng.choice(FOLLOW_UP_RESULTS)))
        return cid

    def left_open(self, due: date) -> bool:
        """Not done yet: due on one of the last two business days, now and then."""
        return due in self.recent and self.rng.random() < LEFT_OPEN


def keep_up(conn: Connection, settings: Settings, directory: Directory, rng: random.Random,
            ids: Ids, out: BulkWriter, today: date) -> KeptUp:
    """After the history is written: its hand-offs settled as the closes left them
    (`settle_handoffs`) and the CMs kept up with their books (see the module's docstring).
    Reads the contact log and the premium clients once; writes in bulk."""
    days = settings.calendar.open_days()
    settle_handoffs(conn, settings, rng, ids, out, today)
    desk = _Desk(conn, settings, rng, ids, out, today, days)
    contact = table("contact_log")
    left = 0

    # 1. follow-ups made on their (business) day
    done: list[dict[str, int]] = []
    open_rows = conn.execute(
        select(contact.c.id, contact.c.client_id, contact.c.staff_id, contact.c.next_date,
               contact.c.next_action)
        .where(contact.c.next_date.is_not(None), contact.c.follow_up_done_id.is_(None),
               contact.c.next_date < today)
        .order_by(contact.c.id)).all()
    for row_id, client, staff, due, action in open_rows:
        day = desk.workday_on_or_after(due)
        if day >= today or desk.left_open(day):
            left += 1
            continue
        made = desk.contact(client, staff, day, "follow_up", action or "跟进")
        done.append({"row": row_id, "done": made})
    out.flush()
    if done:
        conn.execute(update(contact).where(contact.c.id == bindparam("row"))
                     .values(follow_up_done_id=bindparam("done")), done)

    # 2. every premium client within their cadence (the CM's book, contacted in turn)
    cadence = settings.contact.cadence_days
    alert = settings.contact.no_contact_alert_days
    last: dict[int, date] = {}
    for client, at in conn.execute(select(contact.c.client_id, func.max(contact.c.at))
                                   .group_by(contact.c.client_id)):
        if at is not None:
            last[client] = (at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
                            ).replace(tzinfo=UTC).astimezone(desk.tz).date()
    care = 0
    by_cm: dict[int, list[int]] = defaultdict(list)
    for client, cm in directory.cm_of.items():
        by_cm[cm].append(client)
    tier_of = {int(c): tier for tier, ids in directory.by_tier.items() for c in ids
               if tier in directory.premium_tiers}
    for cm, book in by_cm.items():
        for client in book:
            every = min(cadence.get(tier_of.get(client, ""), alert), alert)
            seen = last.get(client)
            if seen is not None and (today - seen).days < every:
                continue
            # contacted on a business day spread over the last `every` days: the next ones
            # come due evenly, a few a day
            day = desk.workday_on_or_after(today - timedelta(days=rng.randrange(1, every)))
            if day >= today:
                day = workdays_before(today, 1, days)
            if rng.random() < LEFT_OPEN / 20:  # one in ~70 not yet called: a handful
                left += 1
                continue
            desk.contact(client, cm, day, "care", "例行关怀")
            care += 1
    out.flush()

    # 3. risk assessments renewed before they expire (premium clients with their CM)
    client_t = table("client")
    valid = settings.contact.risk_assessment_valid_days
    warn = settings.contact.risk_expiry_warn_days
    stale = today - timedelta(days=valid - warn)
    renew: list[dict[str, object]] = []
    premium = set(directory.cm_of)
    for (client,) in conn.execute(select(client_t.c.id)
                                   .where(client_t.c.risk_assessed_on.is_not(None),
                                          client_t.c.risk_assessed_on <= stale)):
        if client not in premium:
            continue
        renew.append({"row": client, "on": desk.workday_on_or_after(
            today - timedelta(days=rng.randrange(2, valid - warn)))})
    if renew:
        conn.execute(update(client_t).where(client_t.c.id == bindparam("row"))
                     .values(risk_assessed_on=bindparam("on")), renew)
    conn.commit()
    return KeptUp(len(done), care, len(renew), left)


@dataclass(frozen=True)
class Settled:
    finished: int     # carried at their day's close, done or declined the next business day
    expired: int      # nobody took them: expired when the next day opened, returned notices
    carried: int      # of the last business day: still open today, carried over


def settle_handoffs(conn: Connection, settings: Settings, rng: random.Random, ids: Ids,
                    out: BulkWriter, today: date) -> Settled:
    """The history's hand-offs left open or in progress at the end of their day, as the closes
    and the next days left them (the module's docstring). One read of those hand-offs (the
    history's own rows: not the services' complaint hand-offs), one bulk update, the returned
    notices in bulk."""
    handoff, staff_role = table("handoff"), table("staff_role")
    days = settings.calendar.open_days()
    tz = ZoneInfo(settings.center.timezone)
    opens = minutes_of(settings.calendar.opens)
    expire_after = timedelta(hours=settings.handoffs.expire_after_hours)
    text = pools()["history"]
    english = settings.ui.language == "en"
    notice_head = "Not taken in time, back to you: " if english else "未在时限内接收，退回："
    members: dict[str, list[int]] = defaultdict(list)
    for staff_id, role in conn.execute(select(staff_role.c.staff_id, staff_role.c.role)
                                       .order_by(staff_role.c.staff_id)):
        members[role].append(staff_id)
    rows = conn.execute(
        select(handoff).where(handoff.c.status.in_(("open", "accepted")),
                              handoff.c.business_date < today, handoff.c.subject_type == "",
                              handoff.c.kind != "returned")
        .order_by(handoff.c.id)).mappings().all()

    def at(day: date, minute: float) -> datetime:
        return (datetime.combine(day, time(0), tz) + timedelta(minutes=minute)).astimezone(UTC)

    changes: list[dict[str, object]] = []
    finished = expired = carried = 0
    for h in rows:
        day: date = h["business_date"]
        change = {"row": h["id"], "status": h["status"], "accepted_at": h["accepted_at"],
                  "closed_at": h["closed_at"], "outcome": h["outcome"],
                  "decline_reason": h["decline_reason"], "to_staff_id": h["to_staff_id"],
                  "carried_to": day + timedelta(days=1)}  # carried by the close of its day
        changes.append(change)
        following = workdays_after(day, 1, days)
        if following >= today:
            carried += 1
            continue
        opening = at(following, opens)
        if h["status"] == "open" and h["due_at"] is not None \
                and opening - h["due_at"] > expire_after:
            # the next day's opening expired it: back to its sender, who marks the notice done
            change.update(status="expired", closed_at=opening)
            seen = opening + timedelta(minutes=rng.uniform(5, 90))
            out.add("handoff", make_row(
                "handoff", id=ids.next("handoff"), kind="returned", business_date=following,
                from_staff_id=h["from_staff_id"], to_staff_id=h["from_staff_id"],
                client_id=h["client_id"], ticket_id=h["ticket_id"], source="system",
                note=(notice_head + h["note"])[:1000], due_at=None, status="done",
                created_at=opening, accepted_at=seen, closed_at=seen,
                manual_section=h["manual_section"], rerouted_from_id=h["id"]))
            expired += 1
            continue
        taken = h["accepted_at"] or opening + timedelta(minutes=rng.uniform(5, 60))
        if h["to_staff_id"] is None and h["to_role"] is not None:
            picked = [m for m in members.get(h["to_role"], ()) if m != h["from_staff_id"]]
            change["to_staff_id"] = rng.choice(picked) if picked else None
        ended = max(taken, opening) + timedelta(minutes=rng.uniform(10, 120))
        if h["status"] == "open" and rng.random() < 0.1:
            change.update(status="declined", accepted_at=None, closed_at=ended,
                          decline_reason=rng.choice(text["decline_reasons"]))
        else:
            pool = "arrival_outcomes" if h["kind"] == "premium_arrival" else "lead_outcomes"
            change.update(status="done", accepted_at=taken, closed_at=ended,
                          outcome=rng.choice(text[pool]))
        finished += 1
    out.flush()
    if changes:
        conn.execute(update(handoff).where(handoff.c.id == bindparam("row")).values(
            status=bindparam("status"), accepted_at=bindparam("accepted_at"),
            closed_at=bindparam("closed_at"), outcome=bindparam("outcome"),
            decline_reason=bindparam("decline_reason"), to_staff_id=bindparam("to_staff_id"),
            carried_to=bindparam("carried_to")), changes)
    conn.commit()
    return Settled(finished, expired, carried)
