"""The day's roster (当日排班): who is in, on leave, at lunch or out, and who is the duty CM
(值班客户经理) and the duty lobby manager (值班大堂经理) on a business date.

Written by the head, or the lobby manager at opening (`roster.edit`), through RosterService —
each change one audited call; changes during the day (a CM goes to lunch and another covers,
someone goes home sick) are the same calls. Read by routing (lobby arrivals and leads, counter
referrals, a declined arrival), the checklists expected of each person, the look-up's "is their
CM in", and the screens — all through the query functions below, which take the caller's
session: one definition of "in today" and "the duty CM".

Rules:
- A staff member without a line for the day is "not recorded": routing treats them as in (a
  center that never records a roster still routes to the client's own CM), the distribution of
  leads does not count them once any line of the day exists.
- The duty CM is in and holds a CM role; the duty lobby manager is in and holds the lobby
  manager's role; each is at most one person a day (naming another replaces them). Someone who
  leaves the state `in` stops being on duty (the change says so in its audit event).
- `Attendance.present` ("in") is what every query reads; `status` says why someone is not in.
  The service keeps `present == (status == "in")`; a line written otherwise (older data, a
  test's set-up) reads by `present` (see `state`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from wealthtui.citations import service_section
from wealthtui.model import Attendance, Staff
from wealthtui.model.day import ROSTER_STATES
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound

SECTION = service_section("roster.SECTION")                 # staffing of the posts (一人多岗), who covers whom
SECTION_DUTY_CM = service_section("roster.SECTION_DUTY_CM")  # a premium client without their CM goes to the duty CM
SECTION_DUTY_LOBBY = service_section("roster.SECTION_DUTY_LOBBY")      # the lobby manager on duty
IN = "in"


# --- the one roster query (every reader goes through these) ------------------------------------
def lines(session: Session, day: date) -> dict[int, Attendance]:
    """The roster lines of `day`, by staff id."""
    return {a.staff_id: a for a in session.exec(
        select(Attendance).where(Attendance.business_date == day))}


def recorded(session: Session, day: date) -> bool:
    """True once any line of `day` is recorded."""
    return session.exec(select(Attendance.id).where(Attendance.business_date == day)
                        .limit(1)).first() is not None


def state(line: Attendance) -> str:
    """The line's state: its status, or by `present` when the two disagree (in, else out)."""
    if line.present == (line.status == IN):
        return line.status
    return IN if line.present else "out"


def is_away(session: Session, day: date, staff_id: int) -> bool:
    """Recorded as not in (leave, lunch, out) on `day`."""
    present = session.exec(select(Attendance.present).where(
        Attendance.business_date == day, Attendance.staff_id == staff_id)).first()
    return present is not None and not present


def away_ids(session: Session, day: date) -> set[int]:
    """Everyone recorded as not in on `day`."""
    return set(session.exec(select(Attendance.staff_id).where(
        Attendance.business_date == day, col(Attendance.present).is_(False))).all())


def _duty(session: Session, day: date, flag: object, exclude: Iterable[int]) -> int | None:
    excluded = set(exclude)
    rows = session.exec(
        select(Staff.id).join(Attendance, Attendance.staff_id == Staff.id)
        .where(Attendance.business_date == day, col(flag).is_(True),
               col(Attendance.present).is_(True), col(Staff.active).is_(True))
        .order_by(col(Staff.staff_no))
    ).all()
    return next((sid for sid in rows if sid not in excluded), None)


def duty_cm(session: Session, day: date, exclude: Iterable[int] = ()) -> int | None:
    """The duty CM of `day` when in and active (and not in `exclude`), else None."""
    return _duty(session, day, Attendance.duty_cm, exclude)


def duty_lobby(session: Session, day: date, exclude: Iterable[int] = ()) -> int | None:
    """The duty lobby manager of `day` when in and active, else None."""
    return _duty(session, day, Attendance.duty_lobby, exclude)


def expected(session: Session, day: date, staff: Iterable[Staff]) -> list[Staff]:
    """Of `staff`, those expected at work on `day`: recorded in — or everyone, while nothing of
    the day is recorded."""
    staff = list(staff)
    by_id = lines(session, day)
    if not by_id:
        return staff
    return [s for s in staff if s.id in by_id and by_id[s.id].present]


def cms_in(session: Session, day: date, exclude: Iterable[int] = ()) -> list[Staff]:
    """Active staff holding a CM role (wealth or marketing) who are in on `day` (everyone
    active with a CM role while nothing of the day is recorded), by staff number."""
    excluded = set(exclude)
    active = session.exec(select(Staff).where(col(Staff.active).is_(True))
                          .order_by(col(Staff.staff_no))).all()
    cms = [s for s in active if s.role_set & permissions.CMS and s.id not in excluded]
    return expected(session, day, cms)


# --- views -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RosterLine:
    staff_id: int
    staff_no: str
    name: str
    roles: tuple[str, ...]
    status: str            # in | leave | lunch | out, or "" when not recorded
    duty_cm: bool
    duty_lobby: bool
    note: str
    updated_by: str        # "staff_no name" of who changed it last
    updated_at: datetime | None


@dataclass(frozen=True)
class RosterView:
    business_date: date
    lines: tuple[RosterLine, ...]

    @property
    def recorded(self) -> bool:
        return any(line.status for line in self.lines)

    def line(self, staff_id: int) -> RosterLine | None:
        return next((x for x in self.lines if x.staff_id == staff_id), None)

    @property
    def duty_cm(self) -> RosterLine | None:
        return next((x for x in self.lines if x.duty_cm and x.status == IN), None)

    @property
    def duty_lobby(self) -> RosterLine | None:
        return next((x for x in self.lines if x.duty_lobby and x.status == IN), None)

    def count(self, status: str) -> int:
        return sum(1 for x in self.lines if x.status == status)


def _ordered_roles(staff: Staff) -> tuple[str, ...]:
    return tuple(r for r in permissions.ROLES if r in staff.role_set)


def roster_view(session: Session, day: date) -> RosterView:
    """Every active staff member with their line of `day` (or none), by staff number."""
    by_id = lines(session, day)
    staff = session.exec(select(Staff).order_by(col(Staff.staff_no))).all()
    names = {s.id: f"{s.staff_no} {s.name}" for s in staff}
    out = []
    for s in staff:
        a = by_id.get(s.id or 0)
        if not s.active and a is None:
            continue
        assert s.id is not None
        out.append(RosterLine(
            staff_id=s.id, staff_no=s.staff_no, name=s.name, roles=_ordered_roles(s),
            status=state(a) if a else "", duty_cm=bool(a and a.duty_cm),
            duty_lobby=bool(a and a.duty_lobby), note=a.note if a else "",
            updated_by=names.get(a.updated_by, "") if a and a.updated_by else "",
            updated_at=a.updated_at if a else None))
    return RosterView(day, tuple(out))


# --- the service -------------------------------------------------------------------------------
class RosterService(Service):
    def _day(self, uow: UnitOfWork, day: date | None) -> date:
        day = day or uow.today
        if day < uow.today:
            raise FieldError("roster.field.date", "error.roster.past_day")
        return day  # a closed day's lines are refused by the unit of work (services.uow)

    def _staff(self, uow: UnitOfWork, staff_id: int) -> Staff:
        staff = uow.session.get(Staff, staff_id)
        if staff is None:
            raise NotFound("error.roster.no_staff", id=staff_id)
        if not staff.active:
            raise FieldError("roster.field.staff", "error.roster.inactive", name=staff.name)
        return staff

    def _line(self, uow: UnitOfWork, day: date, staff_id: int) -> tuple[Attendance, bool]:
        line = uow.session.exec(select(Attendance).where(
            Attendance.business_date == day, Attendance.staff_id == staff_id)).first()
        if line is not None:
            return line, False
        return Attendance(business_date=day, staff_id=staff_id, present=True, status=IN), True

    def _save(self, uow: UnitOfWork, line: Attendance) -> None:
        line.present = line.status == IN
        line.updated_by, line.updated_at = uow.actor_id, uow.now
        uow.session.add(line)
        uow.session.flush()

    @requires("roster.view", write=False)
    def day(self, uow: UnitOfWork, day: date | None = None) -> RosterView:
        """The roster of `day` (default today): every active staff member and their line."""
        return roster_view(uow.session, day or uow.today)

    @requires("roster.edit")
    def set_state(self, uow: UnitOfWork, staff_id: int, status: str, *, note: str = "",
                  day: date | None = None) -> RosterView:
        """Record a staff member as in, on leave, at lunch or out. Leaving `in` ends their duty
        (duty CM / duty lobby manager) for the day."""
        if status not in ROSTER_STATES:
            raise FieldError("roster.field.status", "error.field.choice",
                             accepted=", ".join(ROSTER_STATES))
        day = self._day(uow, day)
        staff = self._staff(uow, staff_id)
        note = parse_text(note, "roster.field.note", max_len=200)
        line, new = self._line(uow, day, staff_id)
        before = "" if new else state(line)
        ended = []
        if status != IN:
            if line.duty_cm:
                ended.append("duty_cm")
            if line.duty_lobby:
                ended.append("duty_lobby")
            line.duty_cm = line.duty_lobby = False
        line.status, line.note = status, note
        self._save(uow, line)
        uow.audit("roster.state", "attendance", line.id, manual_section=SECTION,
                  date=day.isoformat(), staff_id=staff.id, staff_no=staff.staff_no,
                  before=before, after=status, note=note, duty_ended=ended)
        return roster_view(uow.session, day)

    @requires("roster.edit")
    def all_in(self, uow: UnitOfWork, *, day: date | None = None) -> RosterView:
        """At opening: record everyone active who has no line yet as in (one audit event)."""
        day = self._day(uow, day)
        have = set(lines(uow.session, day))
        added = []
        for staff in uow.session.exec(select(Staff).where(col(Staff.active).is_(True))
                                      .order_by(col(Staff.staff_no))):
            if staff.id in have:
                continue
            line, _ = self._line(uow, day, staff.id or 0)
            self._save(uow, line)
            added.append(staff.staff_no)
        if added:
            uow.audit("roster.all_in", "business_day", day.isoformat(), manual_section=SECTION,
                      staff=added)
        return roster_view(uow.session, day)

    def _set_duty(self, uow: UnitOfWork, flag: str, staff_id: int | None, day: date | None,
                  section: str) -> RosterView:
        day = self._day(uow, day)
        previous = [a for a in lines(uow.session, day).values() if getattr(a, flag)]
        if staff_id is not None:
            staff = self._staff(uow, staff_id)
            wanted = permissions.CMS if flag == "duty_cm" else {permissions.LOBBY_MANAGER}
            if not staff.role_set & wanted:
                raise FieldError("roster.field.staff", f"error.roster.not_{flag}",
                                 name=staff.name)
            line, new = self._line(uow, day, staff_id)
            if not new and not line.present:
                raise Conflict("error.roster.duty_not_in", name=staff.name)
        for a in previous:
            if a.staff_id != staff_id:
                setattr(a, flag, False)
                self._save(uow, a)
        if staff_id is not None:
            setattr(line, flag, True)
            self._save(uow, line)
        uow.audit(f"roster.{flag}", "business_day", day.isoformat(), manual_section=section,
                  before=[a.staff_id for a in previous], after=staff_id)
        return roster_view(uow.session, day)

    @requires("roster.edit")
    def set_duty_cm(self, uow: UnitOfWork, staff_id: int | None, *,
                    day: date | None = None) -> RosterView:
        """Name the duty CM (a CM who is in; recorded in if not yet recorded), replacing the one
        before; None: nobody on duty."""
        return self._set_duty(uow, "duty_cm", staff_id, day, SECTION_DUTY_CM)

    @requires("roster.edit")
    def set_duty_lobby(self, uow: UnitOfWork, staff_id: int | None, *,
                       day: date | None = None) -> RosterView:
        """Name the duty lobby manager (a lobby manager who is in), replacing the one before."""
        return self._set_duty(uow, "duty_lobby", staff_id, day, SECTION_DUTY_LOBBY)
