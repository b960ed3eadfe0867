"""The risk-tolerance questionnaire as a form (issue 17): one choice per question, and for a
client of the senior age the second staff member's number and PIN.

    self.call(self.services.risk.questionnaire,
              then=lambda q: self.app.push_screen(risk_form(q, client_name=…, senior=…,
                                                            submit=…), done))

`submit(answers, staff_no, pin)` records it (services.risk.assess) and returns the assessment,
which dismisses the form; an error stays on the form with every choice kept. The questions and
options are data (data/compliance/questionnaire.toml), shown as plain text.

`take_questionnaire(screen, client_id, after)` is how the counter (Ctrl+K) and the CM's client
file (F5) open it; `risk_line(status)` is the client's level and its expiry in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wealthtui.i18n import t, tl
from wealthtui.rules.risk_questionnaire import Questionnaire
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look
from wealthtui.ui.dialogs.pending import open_when_read

if TYPE_CHECKING:
    from wealthtui.services.risk import AssessmentView, RiskStatus


def risk_form(questionnaire: Questionnaire, *, client_name: str, senior: bool,
              submit: Callable[[dict[str, str], str, str], Any]) -> FormDialog:
    fields = [Field(f"q_{q.id}", "field.risk.answers", kind="select", label=tl(q.text, q.text_en),
                    options=tuple((tl(o.text, o.text_en), o.id) for o in q.options),
                    blank="risk.choose")
              for q in questionnaire.questions]
    if senior:
        fields += [Field("staff_no", "field.risk.second_person", max_length=10),
                   Field("pin", "field.risk.second_pin", kind="password", max_length=12)]

    def collect(values: dict[str, Any]) -> Any:
        answers = {q.id: values[f"q_{q.id}"] for q in questionnaire.questions
                   if values.get(f"q_{q.id}") is not None}
        return submit(answers, str(values.get("staff_no") or "").strip(),
                      str(values.get("pin") or ""))

    info = [t("risk.for_client", name=client_name, version=questionnaire.version)]
    if senior:
        info.append(t("risk.senior_hint"))
    return FormDialog(t("risk.title"), fields, submit=collect, info=info, form_id="risk-form",
                      look=Look(width=78, fields_height=14, list_height=6, compact=True))


def risk_line(status: RiskStatus | None) -> str:
    """The client's assessment and its expiry in one line (the counter and the file show it)."""
    if status is None:
        return ""
    if status.level is None or status.expires_on is None:
        return t("risk_keys.line_none")
    key = "risk_keys.line_expired" if status.expired else "risk_keys.line"
    return t(key, level=status.level, until=status.expires_on.isoformat())


def take_questionnaire(host: Any, client_id: int,
                       after: Callable[[AssessmentView], Any]) -> None:
    """From a screen (a `Calls` node): read the questionnaire and the client's status off the
    event loop — a "Loading…" dialog meanwhile (ui/dialogs/pending.py) — then show the form;
    `after(assessment)` once it is saved."""
    services = host.services

    def read(actor: Any) -> tuple[Questionnaire, RiskStatus]:
        return services.risk.questionnaire(actor), services.risk.status(actor, client_id)

    def build(loaded: tuple[Questionnaire, RiskStatus]) -> FormDialog:
        questionnaire, status = loaded
        actor = host.actor

        def submit(answers: dict[str, str], staff_no: str, pin: str) -> AssessmentView:
            return services.risk.assess(actor, client_id, answers, staff_no=staff_no, pin=pin)

        return risk_form(questionnaire, client_name=status.name, senior=status.senior,
                         submit=submit)

    open_when_read(host, t("risk.title"), read, build,
                   lambda view: after(view) if view is not None else None, key="risk-form")
