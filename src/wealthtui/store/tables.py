"""The center's tables as plain Core `Table`s, written by scripts/core_tables.py from the models
(model/) — do not edit by hand. Columns only (the migrations own keys, indexes and constraints):
the reports and the operator's commands (`wealthtui eod`, `db check`) read through these, so they
start without loading the ORM models (issue 22). tests/store/test_core_tables.py keeps them equal
to the models: names, order, types, lengths, nullability and primary keys."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Float, Integer, MetaData, String, Table

from wealthtui.store.utc_type import UTCDateTime

metadata = MetaData()


audit_event = Table(
    "audit_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", Integer, nullable=True),
    Column("action", String(60), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(40), nullable=False),
    Column("detail", String, nullable=False),
    Column("manual_section", String(40), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("seals", String, nullable=False),
)


audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("last_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("keyed_from", Integer, nullable=False),
)


client = Table(
    "client", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
    Column("name_pinyin", String(120), nullable=False),
    Column("name_initials", String(40), nullable=False),
    Column("title", String(20), nullable=False),
    Column("gender", String(1), nullable=False),
    Column("id_type", String(20), nullable=False),
    Column("id_number", String(20), nullable=False),
    Column("id_expires_on", Date, nullable=True),
    Column("phone", String(20), nullable=False),
    Column("birthday", Date, nullable=True),
    Column("lunar_birthday", Boolean, nullable=False),
    Column("tier", String(20), nullable=False),
    Column("aum_fen", BigInteger, nullable=False),
    Column("aum_elsewhere_fen", BigInteger, nullable=False),
    Column("risk_level", Integer, nullable=True),
    Column("risk_assessed_on", Date, nullable=True),
    Column("potential_signals", String(500), nullable=False),
    Column("occupation", String(60), nullable=False),
    Column("household", String(200), nullable=False),
    Column("income_band", String(20), nullable=False),
    Column("goals", String(500), nullable=False),
    Column("interests", String(500), nullable=False),
    Column("preferred_channel", String(20), nullable=False),
    Column("preferred_time", String(40), nullable=False),
    Column("notes", String(2000), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=True),
)


login_throttle = Table(
    "login_throttle", metadata,
    Column("terminal", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", UTCDateTime, nullable=True),
    Column("wait_until", UTCDateTime, nullable=True),
)


meta = Table(
    "meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(400), nullable=False),
)


row_seal = Table(
    "row_seal", metadata,
    Column("tbl", String(40), primary_key=True),
    Column("row_id", String(40), primary_key=True),
    Column("digest", String(32), nullable=False),
    Column("audit_id", Integer, nullable=False),
)


staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True),
    Column("staff_no", String(20), nullable=False),
    Column("name", String(40), nullable=False),
    Column("pin_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("failed_pins", Integer, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("pin_must_change", Boolean, nullable=False),
    Column("pin_expires_at", UTCDateTime, nullable=True),
    Column("pin_reset_by", Integer, nullable=True),
    Column("pin_reset_at", UTCDateTime, nullable=True),
    Column("pin_reset_terminal", String(100), nullable=False),
    Column("birthday", Date, nullable=True),
)


attendance = Table(
    "attendance", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("present", Boolean, nullable=False),
    Column("duty_cm", Boolean, nullable=False),
    Column("status", String(8), nullable=False),
    Column("duty_lobby", Boolean, nullable=False),
    Column("note", String(200), nullable=False),
    Column("updated_by", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=True),
)


business_day = Table(
    "business_day", metadata,
    Column("business_date", Date, primary_key=True),
    Column("status", String(10), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("closed_by", Integer, nullable=True),
    Column("close_note", String(2000), nullable=False),
    Column("flow_log_confirmed_by", Integer, nullable=True),
    Column("flow_log_confirmed_at", UTCDateTime, nullable=True),
)


client_account = Table(
    "client_account", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, nullable=False),
    Column("number", String(32), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("product", String(40), nullable=False),
    Column("opened_on", Date, nullable=True),
    Column("closed_on", Date, nullable=True),
)


cm_assignment = Table(
    "cm_assignment", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, nullable=False),
    Column("cm_id", Integer, nullable=False),
    Column("start_at", UTCDateTime, nullable=False),
    Column("end_at", UTCDateTime, nullable=True),
    Column("assigned_by", Integer, nullable=True),
    Column("reason", String(200), nullable=False),
)


cm_assistant = Table(
    "cm_assistant", metadata,
    Column("id", Integer, primary_key=True),
    Column("assistant_id", Integer, nullable=False),
    Column("cm_id", Integer, nullable=False),
    Column("start_at", UTCDateTime, nullable=False),
    Column("end_at", UTCDateTime, nullable=True),
    Column("assigned_by", Integer, nullable=True),
)


complaint = Table(
    "complaint", metadata,
    Column("id", Integer, primary_key=True),
    Column("ref_no", String(20), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("client_id", Integer, nullable=True),
    Column("complainant_kind", String(10), nullable=False),
    Column("complainant_name", String(40), nullable=False),
    Column("complainant_phone", String(20), nullable=False),
    Column("agent_authority", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("external_ref", String(40), nullable=False),
    Column("category", String(30), nullable=False),
    Column("subcategory", String(30), nullable=False),
    Column("description", String(4000), nullable=False),
    Column("requested_remedy", String(1000), nullable=False),
    Column("staff_complained", String(200), nullable=False),
    Column("first_receiver_id", Integer, nullable=False),
    Column("handler_id", Integer, nullable=True),
    Column("status", String(20), nullable=False),
    Column("resolved_on_spot", Boolean, nullable=False),
    Column("escalation", String(12), nullable=False),
    Column("escalated_at", UTCDateTime, nullable=True),
    Column("due_date", Date, nullable=False),
    Column("extensions", Integer, nullable=False),
    Column("paused_since", Date, nullable=True),
    Column("ended_on", Date, nullable=True),
    Column("reply_at", UTCDateTime, nullable=True),
    Column("reply_channel", String(20), nullable=False),
    Column("reply_content", String(4000), nullable=False),
    Column("options_told", Boolean, nullable=False),
    Column("remedy", String(1000), nullable=False),
    Column("compensation_fen", BigInteger, nullable=False),
    Column("root_cause", String(2000), nullable=False),
    Column("rectification", String(2000), nullable=False),
    Column("satisfaction_at", Date, nullable=True),
    Column("satisfaction", String(20), nullable=False),
    Column("satisfaction_note", String(500), nullable=False),
    Column("closed_by", Integer, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("merged_into_id", Integer, nullable=True),
)


counter_session = Table(
    "counter_session", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("counter_no", String(10), nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("state", String(10), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("opening_cash_fen", BigInteger, nullable=False),
)


manual_figure = Table(
    "manual_figure", metadata,
    Column("id", Integer, primary_key=True),
    Column("month", String(7), nullable=False),
    Column("indicator", String(40), nullable=False),
    Column("staff_id", Integer, nullable=True),
    Column("value", Float, nullable=False),
    Column("entered_by", Integer, nullable=False),
    Column("entered_at", UTCDateTime, nullable=False),
)


outlet_balance = Table(
    "outlet_balance", metadata,
    Column("business_date", Date, primary_key=True),
    Column("figures_json", String, nullable=False),
    Column("tellers", Integer, nullable=False),
    Column("difference_fen", BigInteger, nullable=False),
    Column("signed_off_by", Integer, nullable=False),
    Column("signed_off_at", UTCDateTime, nullable=False),
    Column("note", String(500), nullable=False),
)


product_holding = Table(
    "product_holding", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, nullable=False),
    Column("product_code", String(30), nullable=False),
    Column("product_name", String(80), nullable=False),
    Column("risk_level", Integer, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("start_date", Date, nullable=True),
    Column("maturity_date", Date, nullable=True),
)


risk_assessment = Table(
    "risk_assessment", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("confirmed_by_id", Integer, nullable=True),
    Column("questionnaire_version", String(20), nullable=False),
    Column("answers", String(2000), nullable=False),
    Column("score", Integer, nullable=False),
    Column("level", Integer, nullable=False),
    Column("client_age", Integer, nullable=True),
    Column("expires_on", Date, nullable=False),
)


role_grant = Table(
    "role_grant", metadata,
    Column("id", Integer, primary_key=True),
    Column("staff_id", Integer, nullable=False),
    Column("requested_by", Integer, nullable=False),
    Column("roles_before", String(200), nullable=False),
    Column("roles_after", String(200), nullable=False),
    Column("status", String(12), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("decided_by", Integer, nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
)


staff_role = Table(
    "staff_role", metadata,
    Column("id", Integer, primary_key=True),
    Column("staff_id", Integer, nullable=False),
    Column("role", String(20), nullable=False),
)


target_list = Table(
    "target_list", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(60), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("filters_json", String, nullable=False),
    Column("deadline", Date, nullable=False),
    Column("created_by", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
)


teller_balance = Table(
    "teller_balance", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("teller_id", Integer, nullable=False),
    Column("figures_json", String, nullable=False),
    Column("expected_cash_fen", BigInteger, nullable=False),
    Column("counted_cash_fen", BigInteger, nullable=False),
    Column("difference_fen", BigInteger, nullable=False),
    Column("match_accounts", Boolean, nullable=False),
    Column("match_physical", Boolean, nullable=False),
    Column("match_vouchers", Boolean, nullable=False),
    Column("match_cash", Boolean, nullable=False),
    Column("match_receipts", Boolean, nullable=False),
    Column("teller_note", String(500), nullable=False),
    Column("difference_handling", String(12), nullable=False),
    Column("difference_note", String(500), nullable=False),
    Column("difference_handled_by", Integer, nullable=True),
    Column("difference_handled_at", UTCDateTime, nullable=True),
    Column("status", String(12), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=True),
    Column("signed_off_by", Integer, nullable=True),
    Column("signed_off_at", UTCDateTime, nullable=True),
)


tier_change = Table(
    "tier_change", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("from_tier", String(20), nullable=False),
    Column("to_tier", String(20), nullable=False),
    Column("by_staff_id", Integer, nullable=True),
)


visit = Table(
    "visit", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("client_id", Integer, nullable=True),
    Column("arrived_at", UTCDateTime, nullable=False),
    Column("identified_by", Integer, nullable=True),
    Column("tier_at_arrival", String(20), nullable=False),
    Column("business_kind", String(20), nullable=False),
    Column("route", String(20), nullable=False),
    Column("diverted", Boolean, nullable=False),
    Column("checklist_run_id", Integer, nullable=True),
    Column("note", String(500), nullable=False),
)


complaint_event = Table(
    "complaint_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("complaint_id", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by_staff_id", Integer, nullable=True),
    Column("note", String(2000), nullable=False),
    Column("data_json", String, nullable=False),
)


shift_handover = Table(
    "shift_handover", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("counter_no", String(10), nullable=False),
    Column("from_staff_id", Integer, nullable=False),
    Column("to_staff_id", Integer, nullable=True),
    Column("witness_id", Integer, nullable=True),
    Column("reason", String(20), nullable=False),
    Column("witness_required", Boolean, nullable=False),
    Column("summary_json", String, nullable=False),
    Column("expected_cash_fen", BigInteger, nullable=False),
    Column("declared_cash_fen", BigInteger, nullable=False),
    Column("counted_cash_fen", BigInteger, nullable=True),
    Column("difference_fen", BigInteger, nullable=False),
    Column("difference_note", String(500), nullable=False),
    Column("from_session_id", Integer, nullable=True),
    Column("to_session_id", Integer, nullable=True),
    Column("status", String(12), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime, nullable=True),
    Column("witnessed_at", UTCDateTime, nullable=True),
)


ticket = Table(
    "ticket", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("category", String(10), nullable=False),
    Column("series", String(10), nullable=False),
    Column("number", Integer, nullable=False),
    Column("display_no", String(12), nullable=False),
    Column("status", String(12), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("client_id", Integer, nullable=True),
    Column("visit_id", Integer, nullable=True),
    Column("counter_no", String(10), nullable=True),
    Column("served_by", Integer, nullable=True),
    Column("issued_by", Integer, nullable=True),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("queued_at", UTCDateTime, nullable=False),
    Column("called_at", UTCDateTime, nullable=True),
    Column("started_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("recalls", Integer, nullable=False),
    Column("note", String(500), nullable=False),
)


authorization_request = Table(
    "authorization_request", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("maker_id", Integer, nullable=False),
    Column("checker_id", Integer, nullable=True),
    Column("business_type", String(30), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("checker_roles", String(200), nullable=False),
    Column("ticket_id", Integer, nullable=True),
    Column("client_id", Integer, nullable=True),
    Column("counter_no", String(10), nullable=False),
    Column("status", String(10), nullable=False),
    Column("note", String(500), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("step_up", Boolean, nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=True),
)


checklist_run = Table(
    "checklist_run", metadata,
    Column("id", Integer, primary_key=True),
    Column("procedure_id", String(60), nullable=False),
    Column("procedure_version", String(64), nullable=False),
    Column("procedure_json", String, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("started_by", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("client_id", Integer, nullable=True),
    Column("ticket_id", Integer, nullable=True),
    Column("subject_staff_id", Integer, nullable=True),
    Column("status", String(10), nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("completed_by", Integer, nullable=True),
    Column("abandon_reason", String(500), nullable=False),
)


handoff = Table(
    "handoff", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("from_staff_id", Integer, nullable=False),
    Column("to_staff_id", Integer, nullable=True),
    Column("to_role", String(20), nullable=True),
    Column("client_id", Integer, nullable=True),
    Column("ticket_id", Integer, nullable=True),
    Column("source", String(20), nullable=False),
    Column("note", String(1000), nullable=False),
    Column("due_at", UTCDateTime, nullable=True),
    Column("status", String(10), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("outcome", String(500), nullable=False),
    Column("decline_reason", String(500), nullable=False),
    Column("manual_section", String(40), nullable=False),
    Column("rerouted_from_id", Integer, nullable=True),
    Column("subject_type", String(20), nullable=False),
    Column("subject_id", Integer, nullable=True),
    Column("carried_to", Date, nullable=True),
)


ticket_event = Table(
    "ticket_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by_staff_id", Integer, nullable=True),
    Column("counter_no", String(10), nullable=True),
    Column("from_category", String(10), nullable=True),
    Column("to_category", String(10), nullable=True),
    Column("note", String(500), nullable=False),
)


contact_log = Table(
    "contact_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("content", String(2000), nullable=False),
    Column("needs", String(500), nullable=False),
    Column("products_proposed", String(500), nullable=False),
    Column("result", String(200), nullable=False),
    Column("sale_amount_fen", BigInteger, nullable=True),
    Column("next_action", String(200), nullable=False),
    Column("next_date", Date, nullable=True),
    Column("follow_up_done_id", Integer, nullable=True),
    Column("run_id", Integer, nullable=True),
)


lead = Table(
    "lead", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("client_id", Integer, nullable=True),
    Column("contact_name", String(40), nullable=False),
    Column("contact_phone", String(20), nullable=False),
    Column("signal", String(200), nullable=False),
    Column("observed_business", String(200), nullable=False),
    Column("need", String(500), nullable=False),
    Column("spotted_by", Integer, nullable=False),
    Column("source", String(20), nullable=False),
    Column("handoff_id", Integer, nullable=True),
    Column("status", String(12), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("converted_at", UTCDateTime, nullable=True),
    Column("owner_id", Integer, nullable=True),
    Column("follow_up_on", Date, nullable=True),
    Column("converted_ref", String(40), nullable=False),
    Column("converted_by", Integer, nullable=True),
    Column("converted_product", String(40), nullable=False),
    Column("converted_amount_fen", BigInteger, nullable=True),
)


notice = Table(
    "notice", metadata,
    Column("id", Integer, primary_key=True),
    Column("template", String(40), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("language", String(5), nullable=False),
    Column("client_id", Integer, nullable=True),
    Column("recipient", String(60), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", String(8000), nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", String(500), nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("sent_via", String(10), nullable=False),
    Column("run_id", Integer, nullable=True),
    Column("step_id", String(60), nullable=False),
    Column("record_kind", String(20), nullable=False),
    Column("record_ref", String(40), nullable=False),
)


service_record = Table(
    "service_record", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("ticket_id", Integer, nullable=True),
    Column("client_id", Integer, nullable=True),
    Column("staff_id", Integer, nullable=False),
    Column("counter_no", String(10), nullable=False),
    Column("business_type", String(30), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("cash", String(5), nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("authorization_id", Integer, nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Column("note", String(500), nullable=False),
)


step_record = Table(
    "step_record", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("step_id", String(60), nullable=False),
    Column("value", String(2000), nullable=False),
    Column("done_by", Integer, nullable=False),
    Column("done_at", UTCDateTime, nullable=False),
    Column("signed_off_by", Integer, nullable=True),
    Column("handoff_id", Integer, nullable=True),
)


antifraud_check = Table(
    "antifraud_check", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("ticket_id", Integer, nullable=True),
    Column("client_id", Integer, nullable=True),
    Column("business_type", String(30), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("payee", String(32), nullable=False),
    Column("reasons", String(40), nullable=False),
    Column("questions_version", String(20), nullable=False),
    Column("answers", String(2000), nullable=False),
    Column("suspicious", String(500), nullable=False),
    Column("stopped", Boolean, nullable=False),
    Column("service_record_id", Integer, nullable=True),
    Column("handoff_id", Integer, nullable=True),
)


appointment = Table(
    "appointment", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, nullable=True),
    Column("contact_name", String(40), nullable=False),
    Column("contact_phone", String(20), nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("start_at", UTCDateTime, nullable=False),
    Column("end_at", UTCDateTime, nullable=False),
    Column("staff_id", Integer, nullable=True),
    Column("source", String(12), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("denominations", String(200), nullable=False),
    Column("status", String(12), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("checked_in_at", UTCDateTime, nullable=True),
    Column("checked_in_by", Integer, nullable=True),
    Column("visit_id", Integer, nullable=True),
    Column("ticket_id", Integer, nullable=True),
    Column("handoff_id", Integer, nullable=True),
    Column("large_cash_record_id", Integer, nullable=True),
    Column("booked_by", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("cancelled_at", UTCDateTime, nullable=True),
    Column("cancel_reason", String(500), nullable=False),
    Column("note", String(500), nullable=False),
)


closing_retention = Table(
    "closing_retention", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("service_record_id", Integer, nullable=False),
    Column("ticket_id", Integer, nullable=True),
    Column("client_id", Integer, nullable=False),
    Column("cm_handoff_id", Integer, nullable=True),
    Column("head_handoff_id", Integer, nullable=True),
    Column("notified_at", UTCDateTime, nullable=False),
    Column("notified_by", Integer, nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("attempt_note", String(500), nullable=False),
    Column("recorded_by", Integer, nullable=True),
    Column("recorded_at", UTCDateTime, nullable=True),
)


contact_proposal = Table(
    "contact_proposal", metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, nullable=False),
    Column("client_id", Integer, nullable=False),
    Column("product_code", String(30), nullable=False),
    Column("product_name", String(80), nullable=False),
    Column("product_risk", Integer, nullable=False),
    Column("client_risk", Integer, nullable=True),
    Column("verdict", String(20), nullable=False),
    Column("acknowledgement", String(200), nullable=False),
)


sale_check = Table(
    "sale_check", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("client_id", Integer, nullable=True),
    Column("path", String(10), nullable=False),
    Column("product_code", String(30), nullable=False),
    Column("product_level", Integer, nullable=False),
    Column("client_level", Integer, nullable=True),
    Column("assessed_on", Date, nullable=True),
    Column("assessment_valid", Boolean, nullable=False),
    Column("client_age", Integer, nullable=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("refused", Boolean, nullable=False),
    Column("service_record_id", Integer, nullable=True),
    Column("contact_id", Integer, nullable=True),
)


target = Table(
    "target", metadata,
    Column("id", Integer, primary_key=True),
    Column("list_id", Integer, nullable=False),
    Column("client_id", Integer, nullable=True),
    Column("lead_id", Integer, nullable=True),
    Column("cm_id", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("outcome", String(500), nullable=False),
    Column("contact_id", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=True),
    Column("updated_by", Integer, nullable=True),
)


dual_recording = Table(
    "dual_recording", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("recording_ref", String(40), nullable=False),
    Column("client_id", Integer, nullable=False),
    Column("product_code", String(30), nullable=False),
    Column("recorded_by", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=False),
    Column("entered_at", UTCDateTime, nullable=False),
    Column("sale_check_id", Integer, nullable=True),
)
