"""The demo's sales obey the point-of-sale rules (issue 17): a wealth product is sold only to a
client the rules allow it for, and now and then a teller or CM tries one above the client's
level (or for a walk-in) and is refused — so the head's compliance view has refusals to show.
A large transfer or withdrawal, or a transfer to a payee the client has not paid before, is asked
the anti-fraud questions (the service asks for them) and the answers are recorded; once a day one
client's answer is suspicious and the business stops. Each client pays a few payees of their own
(`payee_for`), so a first transfer to one is asked about and a later one is not."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from wealthtui.model import Client
from wealthtui.rules import suitability
from wealthtui.rules.antifraud import ANSWERS, Checklist
from wealthtui.services import Services
from wealthtui.services.compliance import sale_rules

#: the share of sales attempts that first try a product the rules refuse
TRY_REFUSED = 0.12
#: the business asked the anti-fraud questions whose client answers one suspiciously (per day)
STOP_AT_ASKED = 2


def _verdicts(services: Services, client_id: int | None, today: date
              ) -> list[tuple[str, bool]]:
    """(product code, allowed) for every product of the shelf, for this client today."""
    rules = sale_rules(services.settings)
    client = None
    if client_id is not None:
        with Session(services.ctx.engine) as s:
            client = s.get(Client, client_id)
    out = []
    for p in services.settings.contact.products:
        v = suitability.decide(
            product_level=p.risk_level, client_level=client.risk_level if client else None,
            assessed_on=client.risk_assessed_on if client else None, today=today, rules=rules,
            age=suitability.age_on(client.birthday, today) if client else None,
            walk_in=client is None)
        out.append((p.code, not v.refused))
    return out


def pick(rng: random.Random, services: Services, client_id: int | None, today: date
         ) -> tuple[str | None, str | None]:
    """(a product the rules refuse to try first or None, a product they allow or None)."""
    verdicts = _verdicts(services, client_id, today)
    allowed = [c for c, ok in verdicts if ok]
    refused = [c for c, ok in verdicts if not ok]
    attempt = rng.choice(refused) if refused and rng.random() < TRY_REFUSED else None
    return attempt, (rng.choice(allowed) if allowed else None)


#: how many payees a client of the demo pays, at most
PAYEES_PER_CLIENT = 3


def payee_for(client_id: int | None, ticket_id: int) -> str:
    """The payee account a transfer names: one of the client's own few payees (the same ones
    every day), or for a walk-in one of its own. Drawn from generators of their own, so the
    day's other draws stay as they were."""
    if client_id is None:
        return f"6217{random.Random(f'walk-in payee {ticket_id}').randrange(10**12):012d}"
    mine = random.Random(f"payees of client {client_id}")
    accounts = [f"6222{mine.randrange(10**12):012d}"
                for _ in range(mine.randint(1, PAYEES_PER_CLIENT))]
    return random.Random(f"transfer {ticket_id}").choice(accounts)


def antifraud_answers(rng: random.Random, checklist: Checklist, *, suspicious: bool
                      ) -> dict[str, str]:
    """The client's answers to the anti-fraud questions: none suspicious, or (`suspicious`) one
    question, chosen at random, answered as the data marks suspicious."""
    answers = {q.id: next(a for a in ANSWERS if a not in q.suspicious)
               for q in checklist.questions}
    if suspicious:
        q = rng.choice(checklist.questions)
        answers[q.id] = sorted(q.suspicious)[0]
    return answers


# --- dual recording (双录): the demo records the sales the rules name ------------------------------

#: the share of recorded sales where the teller or CM first forgets the recording (refused)
FORGET_RECORDING = 0.08


def needs_recording(services: Services, client_id: int | None, code: str, today: date) -> bool:
    """Whether `[compliance.dual_recording]` names the sale of `code` to the client today."""
    from wealthtui.reports.compliance import first_purchase_in
    from wealthtui.rules import dual_recording

    product = services.settings.contact.product(code)
    if client_id is None or product is None:
        return False
    with Session(services.ctx.engine) as s:
        client = s.get(Client, client_id)
        age = suitability.age_on(client.birthday, today) if client else None
        first = first_purchase_in(s, client_id)
    return bool(dual_recording.reasons(dual_recording.from_settings(services.settings),
                                       product_code=code, product_level=product.risk_level,
                                       client_age=age, first_purchase=first))


def enter_recording(services: Services, actor: Any, client_id: int, code: str, ref: str) -> None:
    """The recording just made in the recording system (the last quarter hour), entered."""
    now = services.clock.now().astimezone(services.ctx.tz)
    start, end = now - timedelta(minutes=16), now - timedelta(minutes=1)
    if start.date() != now.date():
        start = end.replace(hour=0, minute=0)
    services.dual_recording.enter(actor, client_id, code, ref, f"{start:%H:%M}", f"{end:%H:%M}")
