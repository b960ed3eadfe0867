"""The middle of the walked day on the screens (issue 16 "Done when"), as each person does it,
counting into the day's Tally what `eod` must then report (tests/ui/test_day_walk.py):

- the lobby manager receives three clients (F2 next visitor, the name typed in the look-up,
  Enter identifies: a premium client's arrival goes to the duty CM at once; the business key,
  the amount, F6 the ticket), spots the potential client (F10, the lead form, F2) and finishes
  the last visit's identification checklist (F11, F2; the earlier ones end as the next visitor
  arrives);
- the tellers serve (F2 call, F5 the business form, F6 finish with the wealth-needs question:
  a referral to a CM with what the client wants);
- a CM works an inbox item (Enter: the hand-off dialog, F2 accept; Enter, F5 the client's
  file; F8 the contact form — a sale: the product ticked, result sold, its amount, F3 the dual
  recording, F2 —; Enter, F4 done with a note).

Keys are pressed by binding id (tests/ui/keys.py); after each, `settle` waits for the calls it
started. Nothing here calls a service to change anything."""

from __future__ import annotations

from typing import Any

from textual.widgets import SelectionList

from tests.ui.day_walk import act, back_to_role_screen, later, record_open_steps, sign_out
from tests.ui.helpers import screen_text, settle, sign_in, type_into
from tests.whole_day import Day
from wealthtui.rules import routing
from wealthtui.services.handoffs import HandoffView
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.client_file import ClientFileScreen
from wealthtui.ui.screens.counter import CounterScreen
from wealthtui.ui.screens.lobby import LobbyScreen
from wealthtui.ui.widgets.checklist import ChecklistPanel
from wealthtui.ui.widgets.inbox import InboxPanel
from wealthtui.ui.widgets.lobby_business import KINDS

#: the lobby's visits: (hh, mm, client, business, amount typed)
VISITS = ((9, 0, "陈贵宾", routing.CASH, "50000"), (9, 5, "黄普通", routing.NON_CASH, ""),
          (9, 10, "杨潜力", routing.CASH, "200000"))


def form_on_top(pilot: Any, form_id: str | None = None) -> FormDialog:
    form = pilot.app.screen
    assert isinstance(form, FormDialog), screen_text(pilot.app)
    assert form_id is None or form.id == form_id, (form.id, form_id)
    return form


async def save(pilot: Any, back_to: type) -> None:
    """F2 on the form on top; it closes to a `back_to` screen."""
    await act(pilot, "form.save")
    assert isinstance(pilot.app.screen, back_to), screen_text(pilot.app)


# --- the lobby ---------------------------------------------------------------------------------
async def lobby_visits(pilot: Any, d: Day) -> None:
    app = pilot.app
    screen = await sign_in(pilot, "L101")
    assert isinstance(screen, LobbyScreen)
    for hh, mm, name, business, amount in VISITS:
        later(pilot, d, hh, mm)
        await act(pilot, "lobby.next_visitor")
        await type_into(pilot, "#lookup", name)
        await settle(pilot)
        await pilot.press("enter")  # one match: identified (a premium one: the CM told)
        await settle(pilot)
        assert screen.card is not None and screen.card.name == name, screen_text(app)
        d.tally.visitors += 1
        await pilot.press(str(KINDS.index(business) + 1))  # the business line has the focus
        if amount:
            await type_into(pilot, "#amount", amount)
        await act(pilot, "lobby.issue_ticket")
        assert screen.visit is not None and screen.visit.ticket_no, screen_text(app)
        d.tally.tickets += 1
    d.tally.premium_identified["lobby"] += 1  # 陈贵宾
    # the potential client (杨潜力, a large cash deposit): a lead for a CM
    await act(pilot, "lobby.lead")
    form_on_top(pilot, "lead-form")
    await type_into(pilot, "#f-signal", "存入大额现金")
    await type_into(pilot, "#f-observed", "现金存款 20 万")
    await save(pilot, LobbyScreen)
    d.tally.leads["lobby"] += 1
    # the last visit's identification checklist, finished by hand (the earlier two were ended
    # by the next visitor's arrival)
    await act(pilot, "lobby.checklist")
    assert isinstance(app.screen, ChecklistScreen), screen_text(app)
    panel = app.screen.query_one(ChecklistPanel)
    await record_open_steps(pilot, "L101", panel)
    await act(pilot, "checklist.complete")
    assert panel.run is not None and panel.run.status == "done", screen_text(app)
    d.checklists_done += len(VISITS)
    await sign_out(pilot)


# --- the counters ------------------------------------------------------------------------------
async def serve(pilot: Any, d: Day, kind: str, amount: str, needs: str = "none",
                need: str = "") -> None:
    """F2 calls the next ticket; F5: the business and its amount, F2; F6: the wealth-needs
    question (`needs`, what the client wants), F2."""
    await act(pilot, "counter.call_next")
    await act(pilot, "counter.record")
    form = form_on_top(pilot, "business-form")
    form.widget("type").value = kind
    await type_into(pilot, "#f-amount", amount)
    await save(pilot, CounterScreen)
    d.tally.records += 1
    await act(pilot, "counter.finish")
    form = form_on_top(pilot, "needs-form")
    form.widget("needs").value = needs
    if need:
        await type_into(pilot, "#f-need", need)
    await save(pilot, CounterScreen)
    d.tally.served += 1


async def counters(pilot: Any, d: Day) -> None:
    later(pilot, d, 9, 20)
    await sign_in(pilot, "T201")  # the premium client's deposit, then the potential client's
    await serve(pilot, d, "cash_deposit", "50000")
    await serve(pilot, d, "cash_deposit", "200000")
    d.tally.cash_in_fen += 250_000_00
    await sign_out(pilot)
    later(pilot, d, 9, 40)
    await sign_in(pilot, "T202")  # a card service; the client is referred to a CM
    await serve(pilot, d, "card_service", "", "refer", "客户想了解稳健理财")
    d.tally.leads["non_cash_counter"] += 1
    # the counters' identifications are their referrals (reports.figures: distinct people)
    d.tally.premium_identified["non_cash_counter"] += 1
    await sign_out(pilot)


# --- the CMs -----------------------------------------------------------------------------------
def inbox_items(pilot: Any, *kinds: str) -> list[HandoffView]:
    inbox = pilot.app.screen.query_one(InboxPanel)
    return [h for h in inbox.rows if h.kind in kinds and h.status in ("open", "accepted")]


async def on_handoff(pilot: Any, handoff_id: int, *binding_ids: str) -> None:
    """The inbox row of `handoff_id` under the cursor, Enter (the hand-off dialog), then
    `binding_ids` pressed."""
    await back_to_role_screen(pilot)
    inbox = pilot.app.screen.query_one(InboxPanel)
    row = next(i for i, h in enumerate(inbox.rows) if h.id == handoff_id)
    inbox.table.focus()
    inbox.table.move_cursor(row=row)
    await settle(pilot)
    await act(pilot, "inbox.open", *binding_ids)


async def done_with(pilot: Any, handoff_id: int, note: str) -> None:
    """F4 on the hand-off: done, with a note."""
    await on_handoff(pilot, handoff_id, "handoff.done")
    assert isinstance(pilot.app.screen, ReasonDialog), screen_text(pilot.app)
    await pilot.press(*note)
    await pilot.press("enter")
    await settle(pilot)


async def contact(pilot: Any, d: Day, h: HandoffView, *, sale: bool) -> None:
    """From the hand-off, the client's file (F5), the contact form (F8): a sale (the
    lowest-risk product ticked, result sold, 500,000, its dual recording by F3) or an
    appointment asked for next week; F2; Escape closes the file."""
    app = pilot.app
    await on_handoff(pilot, h.id, "handoff.open")
    assert isinstance(app.screen, ClientFileScreen), screen_text(app)
    await act(pilot, "cm.file.log_contact")
    form = form_on_top(pilot, "contact-form")
    if sale:
        product = min(d.services.settings.contact.products, key=lambda x: x.risk_level)
        form.widget("channel").value = "visit"
        form.widget("purpose").value = "product"
        await type_into(pilot, "#f-content", product.name)
        form.query_one("#f-products", SelectionList).select(product.code)
        form.widget("result").value = "sold"
        await type_into(pilot, "#f-sale_amount", "500000")
        await act(pilot, "cm.contact.recording")  # 双录 first: the product ticked is chosen
        form_on_top(pilot, "recording-form")
        await type_into(pilot, "#f-ref", f"SR-WD-{h.id}")
        await type_into(pilot, "#f-started", "10:00")
        await type_into(pilot, "#f-ended", "10:20")
        await act(pilot, "form.save")
        assert app.screen is form, screen_text(app)
    else:
        await type_into(pilot, "#f-content", "约下周面谈")
        form.widget("result").value = "interested"
        await type_into(pilot, "#f-next_action", "面谈")
        await type_into(pilot, "#f-next_date", "7")
    await save(pilot, ClientFileScreen)
    d.tally.contacts += 1
    if sale:  # the sale converts the lead or referral (counted by where it came from)
        d.tally.converted[h.source] += 1
    await back_to_role_screen(pilot)


async def cms_work_their_leads(pilot: Any, d: Day, *, sold_to: str) -> None:
    """Each CM signs in and works every lead and referral in their inbox: accept, contact the
    client (`sold_to` buys), done."""
    later(pilot, d, 10, 30)
    for cm in ("C401", "C402"):
        await sign_in(pilot, cm)
        await settle(pilot)
        for h in inbox_items(pilot, "lead", "referral"):
            await on_handoff(pilot, h.id, "handoff.accept")
            await contact(pilot, d, h, sale=h.client_name == sold_to)
            await done_with(pilot, h.id, "已联系客户")
        assert inbox_items(pilot, "lead", "referral") == [], screen_text(pilot.app)
        await sign_out(pilot)
