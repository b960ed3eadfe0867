"""The manual's procedures as data: load and validate `data/procedures/*.toml`.

One file per procedure, named `<id>.toml`. The shape (the header of
`data/procedures/lobby_opening.toml` shows it with comments):

    id = "lobby_opening"                  # = the file name; lower case, digits, _
    title = "大堂开门准备"                  # Chinese and English titles
    title_en = "Opening the lobby"
    help = "..."                          # optional: what the procedure is for (help_en too)
    roles = ["lobby_manager"]             # who runs it; it shows in their "today" list
    subject = "day"                       # staff | client | ticket | teller | day (see below)
    schedule = "start_of_day"             # none | start_of_day | end_of_day | monthly
    due = "08:55"                         # local time it is due by (scheduled procedures)
    due_day = 5                           # monthly only: day of the month (1–28)
    basis = "manual-toc"                  # manual | manual-toc | practice (see citations.py)
    manual = "ch.6 §6.2"                  # the manual section it implements

    [[steps]]
    id = "queue_machine"
    text = "..."                          # what to do (text_en: in English)
    help = "..."                          # why and how (help_en), shown for the focused step
    kind = "tick"                         # tick | number | amount | text | choice | signoff
    required = true                       # default true
    role = "lobby_manager"                # or a list; default: the procedure's roles
    basis = "manual"                      # where the rule comes from (default "manual"):
    manual = "ch.2 §1.3, p.13"            #  manual: a section whose text we hold, with the page
    # basis = "manual-toc": manual = "ch.4 §4.4.5" (table of contents only: no page, no item)
    # basis = "practice":   source = "industry" (a key of [practice] in data/manual/sections.toml)
    # kind = "choice":   choices = [{ id = "x", text = "…", text_en = "…" }, …]
    # kind = "number":   min / max (integers), max_from = "<earlier number step>", unit / unit_en
    # kind = "signoff":  signer_role = ["supervisor"]  (roles the second person must hold)
    # required only when an earlier choice step has one of some values:
    #   required_when = { step = "reason", values = ["leave", "transfer"] }
    # the hand-off recording this step creates:
    #   handoff = { kind = "referral", to_role = "wealth_cm", to_client_cm = true,
    #               when = ["refer_now"], note_from = "need", source = "auto" }
    # a step recorded by a service action instead of a tick (the step shows what it confirms):
    #   confirms = "flow_log"   # the lobby manager's confirmation of the day's flow log
    #   confirms = "outlet_signoff"   # the supervisor's outlet sign-off (counter oversight F7)
    #   confirms = "five_matches"     # a match_<m> step: the teller's balance submitted with it
    #   confirms = "counter_sign_off" # the teller signed off the counter (box handed in)
    #   confirms = "balance_signoff"  # a signoff step: the supervisor signed off the balance
    #   confirms = "day_close"        # the head closed the business day
    # recorded by queuing a written notice of this template (services.notices), not by hand:
    #   by_notice = "cm_change"

Subjects: `staff` – about the staff member who runs it; `client` – needs a client; `ticket` –
needs a queue ticket; `teller` – about one teller (the actor by default); `day` – one run per
business date, shared by everyone holding the roles. Any run may also carry a client or ticket.

`load_dir()` validates every file and refuses a bad one with a ProcedureError whose message is one
line naming the file, the step and what is wrong. Each procedure has a version: the SHA-256 of its
canonical JSON, so a comment or layout change does not change it but any change of content does.
A checklist run stores that JSON, so an old run reads the same after the file changes.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from datetime import time
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationError,
    model_serializer,
    model_validator,
)

from wealthtui import citations
from wealthtui.resources import data_file
from wealthtui.rules.permissions import ROLES

KINDS = ("tick", "number", "amount", "text", "choice", "signoff")
#: what a `confirms` step confirms (the service action that records it) → the catalog key of
#: the message refusing to record it by hand
CONFIRMS = {
    "flow_log": "error.routines.confirm_flow_log",
    "outlet_signoff": "error.routines.confirm_outlet_signoff",
    "five_matches": "day_steps.confirm_five_matches",
    "counter_sign_off": "day_steps.confirm_counter_sign_off",
    "balance_signoff": "day_steps.confirm_balance_signoff",
    "day_close": "day_steps.confirm_day_close",
}
SUBJECTS = ("staff", "client", "ticket", "teller", "day")
SCHEDULES = ("none", "start_of_day", "end_of_day", "monthly")

Kind = Literal["tick", "number", "amount", "text", "choice", "signoff"]
Subject = Literal["staff", "client", "ticket", "teller", "day"]
Schedule = Literal["none", "start_of_day", "end_of_day", "monthly"]

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
HelpText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1200)]
Basis = Literal["manual", "manual-toc", "practice"]
ManualRef = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]


def _role_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _known_roles(roles: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role {', '.join(unknown)}; accepted: {', '.join(ROLES)}")
    return roles


def _known_role(role: str) -> str:
    return _known_roles((role,))[0]


Roles = Annotated[tuple[str, ...], BeforeValidator(_role_list), AfterValidator(_known_roles)]
Role = Annotated[str, AfterValidator(_known_role)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Cited(_Strict):
    """The basis of a step or procedure: its shape (the held-text check is in load_file)."""

    basis: Basis = "manual"
    manual: ManualRef = ""
    source: Ident | None = None

    @model_validator(mode="after")
    def _basis_shape(self) -> _Cited:
        if self.basis == "practice":
            if not self.source:
                raise ValueError('basis = "practice" needs source = "<a [practice] key of '
                                 'data/manual/sections.toml>", e.g. "industry"')
            if self.manual:
                raise ValueError('basis = "practice" cites no manual section (drop manual)')
            return self
        if self.source is not None:
            raise ValueError('source is only for basis = "practice"')
        if self.basis == "manual" and citations.MANUAL_RE.match(self.manual) is None:
            raise ValueError('basis = "manual" needs manual = "ch.2 §2.4 item 1, p.19" '
                             f"(chapter, section, item, page; got {self.manual!r})")
        if self.basis == "manual-toc" and citations.TOC_RE.match(self.manual) is None:
            raise ValueError('basis = "manual-toc" cites a section only, without page or item, '
                             f'like manual = "ch.4 §4.4.5" (got {self.manual!r})')
        return self

    @property
    def basis_code(self) -> str:
        """The basis in one language-neutral line (kept in the audit)."""
        return citations.basis_code(self.basis, self.manual, self.source)


class Choice(_Strict):
    id: Ident
    text: Text
    text_en: Text


class Condition(_Strict):
    """`required_when`: the step is required when step `step` holds one of `values`."""

    step: Ident
    values: tuple[Ident, ...] = Field(min_length=1)


class HandoffSpec(_Strict):
    """The hand-off a step creates when it is recorded."""

    kind: Ident
    to_role: Role
    to_client_cm: bool = False  # to the client's exclusive CM when the run has one
    when: tuple[Ident, ...] = ()  # choice steps: only for these choices (empty: any)
    note_from: Ident | None = None  # a text step whose value becomes the hand-off's note
    source: Ident = "auto"  # auto: from the recording staff member's role


class Step(_Cited):
    id: Ident
    text: Text
    text_en: Text
    help: HelpText = ""
    help_en: HelpText = ""
    kind: Kind
    required: bool = True
    role: Roles = ()
    choices: tuple[Choice, ...] = ()
    signer_role: Roles = ()
    min: int | None = None
    max: int | None = None
    max_from: Ident | None = None
    unit: str = Field("", max_length=10)
    unit_en: str = Field("", max_length=16)
    required_when: Condition | None = None
    handoff: HandoffSpec | None = None
    confirms: Literal["flow_log", "outlet_signoff", "five_matches", "counter_sign_off",
                      "balance_signoff", "day_close"] | None = None
    #: recorded by queuing this written notice (services.notices), never by hand
    by_notice: Ident | None = None

    @model_serializer(mode="wrap")
    def _omit_unset_notice(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # a step without `by_notice` / `confirms` serialises as before those keys existed: the
        # versions (content hashes) of the procedures that do not use them stay the same
        data = handler(self)
        for key in ("by_notice", "confirms"):
            if data.get(key) is None:
                data.pop(key, None)
        return data

    @model_validator(mode="after")
    def _by_kind(self) -> Step:
        if self.kind == "choice":
            if len(self.choices) < 2:
                raise ValueError("a choice step needs at least two choices")
            ids = [c.id for c in self.choices]
            if len(set(ids)) != len(ids):
                raise ValueError("choice ids must be unique")
        elif self.choices:
            raise ValueError("choices are only for kind = \"choice\"")
        if self.signer_role and self.kind != "signoff":
            raise ValueError("signer_role is only for kind = \"signoff\"")
        if self.kind != "number" and (self.min is not None or self.max is not None
                                      or self.max_from is not None):
            raise ValueError("min, max and max_from are only for kind = \"number\"")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        if (self.unit or self.unit_en) and self.kind not in ("number", "amount"):
            raise ValueError("unit is only for kind = \"number\" or \"amount\"")
        if self.required_when is not None and not self.required:
            raise ValueError("required_when needs required = true (it makes the step conditional)")
        if self.confirms is not None and self.kind not in ("tick", "signoff"):
            raise ValueError("confirms is only for kind = \"tick\" or \"signoff\" steps")
        if self.handoff is not None and self.handoff.when:
            if self.kind != "choice":
                raise ValueError("handoff.when is only for choice steps")
            unknown = set(self.handoff.when) - {c.id for c in self.choices}
            if unknown:
                raise ValueError(f"handoff.when names unknown choices: {', '.join(sorted(unknown))}")
        return self

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


class Procedure(_Cited):
    id: Ident
    title: Text
    title_en: Text
    help: HelpText = ""
    help_en: HelpText = ""
    roles: Roles = Field(min_length=1)
    subject: Subject
    schedule: Schedule = "none"
    due: time | None = None
    due_day: int | None = Field(None, ge=1, le=28)
    steps: tuple[Step, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _schedule(self) -> Procedure:
        if self.schedule == "none":
            if self.due is not None or self.due_day is not None:
                raise ValueError("due and due_day are only for scheduled procedures")
        elif self.due is None:
            raise ValueError(f"schedule = \"{self.schedule}\" needs a due time (due = \"HH:MM\")")
        if (self.schedule == "monthly") != (self.due_day is not None):
            raise ValueError("due_day (1–28) is needed for, and only for, schedule = \"monthly\"")
        return self

    @property
    def scheduled(self) -> bool:
        return self.schedule != "none"

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def doers(self, step: Step) -> tuple[str, ...]:
        """The roles that may record `step`."""
        return step.role or self.roles

    def canonical_json(self) -> str:
        return self.model_dump_json()

    @cached_property
    def version(self) -> str:
        return version_of(self.canonical_json())

    @classmethod
    def from_json(cls, text: str) -> Procedure:
        """A procedure as a run stored it (see ChecklistRun.procedure_json). Each distinct text
        is parsed once (a frozen model, its steps tuples: safe to share)."""
        return _parsed(text) if cls is Procedure else cls.model_validate_json(text)


@lru_cache(maxsize=256)
def _parsed(text: str) -> Procedure:
    return Procedure.model_validate_json(text)


def version_of(canonical_json: str) -> str:
    return hashlib.sha256(canonical_json.encode("utf-8")).hexdigest()


class ProcedureError(Exception):
    """A procedure file is wrong. `str(exc)` is one line: file, step (if any), what is wrong."""

    def __init__(self, path: Path | str, what: str, step: str | None = None) -> None:
        self.path = Path(path)
        self.step = step
        self.what = " ".join(what.split())
        where = f'{self.path}: step "{step}": ' if step else f"{self.path}: "
        super().__init__(where + self.what)


def _step_id(raw: dict[str, Any], index: object) -> str:
    steps = raw.get("steps")
    if isinstance(index, int) and isinstance(steps, list) and 0 <= index < len(steps):
        item = steps[index]
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            return item["id"]
    return f"#{index + 1}" if isinstance(index, int) else str(index)


def _describe(path: Path, raw: dict[str, Any], exc: ValidationError) -> ProcedureError:
    error = exc.errors()[0]
    loc = list(error["loc"])
    step = None
    if len(loc) >= 2 and loc[0] == "steps":
        step = _step_id(raw, loc[1])
        loc = loc[2:]
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if error["type"] == "missing":
        message = "missing"
    elif error["type"] == "string_pattern_mismatch":
        hint = ('should look like "ch.6 §6.2, p.168" or "ch.2 §2.7 item 8, p.22"'
                if loc and loc[-1] == "manual"
                else 'should be lower-case letters, digits and "_", starting with a letter')
        message = f"{hint} (got {value!r})"
    elif isinstance(value, str | int | float | bool) and loc:
        message = f"{message} (got {value!r})"
    field = ".".join(str(p) for p in loc)
    return ProcedureError(path, f"{field}: {message}" if field else message, step)


def _check_basis(path: Path, proc: Procedure, sections: citations.SectionList) -> None:
    """Every citation against the section list: `manual` only for text we hold."""
    for item, step in [(proc, None), *((s, s.id) for s in proc.steps)]:
        if item.basis == "manual":
            why = sections.check_manual(item.manual)
        elif item.basis == "manual-toc":
            why = sections.check_toc(item.manual)
        else:
            why = sections.check_source(item.source or "")
        if why is not None:
            raise ProcedureError(path, f"{'manual' if item.basis != 'practice' else 'source'}: "
                                 f"{why}", step)


def _check_references(path: Path, proc: Procedure) -> None:
    """Checks across steps: unique ids and references to earlier steps."""
    seen: dict[str, Step] = {}
    for step in proc.steps:
        if step.id in seen:
            raise ProcedureError(path, "id: used by two steps", step.id)
        if step.required_when is not None:
            ref = seen.get(step.required_when.step)
            if ref is None or ref.kind != "choice":
                raise ProcedureError(
                    path, f"required_when.step: \"{step.required_when.step}\" is not an earlier "
                    "choice step", step.id)
            unknown = set(step.required_when.values) - {c.id for c in ref.choices}
            if unknown:
                raise ProcedureError(
                    path, f"required_when.values: not choices of \"{ref.id}\": "
                    f"{', '.join(sorted(unknown))}", step.id)
        if step.max_from is not None:
            ref = seen.get(step.max_from)
            if ref is None or ref.kind != "number":
                raise ProcedureError(
                    path, f"max_from: \"{step.max_from}\" is not an earlier number step", step.id)
        if step.handoff is not None and step.handoff.note_from is not None:
            ref = seen.get(step.handoff.note_from) if step.handoff.note_from != step.id else step
            if ref is None or ref.kind != "text":
                raise ProcedureError(
                    path, f"handoff.note_from: \"{step.handoff.note_from}\" is not a text step "
                    "at or before this one", step.id)
        seen[step.id] = step


def load_file(path: Path, sections: citations.SectionList | None = None) -> Procedure:
    """One validated procedure; ProcedureError (one line) when the file is wrong.

    Citations are checked against `sections` (default: the shipped data/manual/sections.toml).
    """
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProcedureError(path, f"not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProcedureError(path, f"cannot be read: {exc}") from None
    try:
        proc = Procedure.model_validate(raw)
    except ValidationError as exc:
        raise _describe(path, raw, exc) from None
    if proc.id != path.stem:
        raise ProcedureError(path, f"id: \"{proc.id}\" must be the file name (\"{path.stem}\")")
    _check_references(path, proc)
    _check_basis(path, proc, sections or citations.shipped())
    return proc


@dataclass(frozen=True)
class Catalog:
    """Every procedure of one directory, by id, in file-name order."""

    directory: Path
    procedures: dict[str, Procedure]

    def get(self, procedure_id: str) -> Procedure | None:
        return self.procedures.get(procedure_id)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.procedures.values())

    def __len__(self) -> int:
        return len(self.procedures)


def default_dir() -> Path:
    return data_file("procedures")


def directory_of(configured: str) -> Path:
    """The folder of procedure files that `[procedures] dir` names (empty: the shipped one)."""
    return Path(configured).expanduser() if configured else default_dir()


def load_dir(directory: Path | None = None) -> Catalog:
    """All `*.toml` files of `directory` (default: the shipped `data/procedures`)."""
    folder = Path(directory) if directory is not None else default_dir()
    if not folder.is_dir():
        raise ProcedureError(folder, "is not a directory of procedure files")
    procedures: dict[str, Procedure] = {}
    for path in sorted(folder.glob("*.toml")):
        proc = load_file(path)
        procedures[proc.id] = proc
    if not procedures:
        raise ProcedureError(folder, "holds no procedure files (*.toml)")
    return Catalog(folder, procedures)


def fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a procedure file changes (name, size, mtime) — of the files `load_dir`
    reads (`*.toml`) —: for cache checks. One directory scan and one stat per file, without
    pathlib's objects: the services look at it once per call that reads the catalog (a file
    changed while the program runs is seen by the next call)."""
    out = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(".toml"):
                st = entry.stat()
                out.append((entry.name, st.st_size, st.st_mtime_ns))
    out.sort()
    return tuple(out)

