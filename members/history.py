"""The membership history on the portal's one audit log (`portal.audit`).

Every change to a membership, its payments and its reminders writes one entry
against the membership (as pretix logs an order's payments on the order), with
a dotted action name from `HistoryAction` and plain data:

    source       who caused it (member, secretariat, Stripe, system)
    from_status, to_status
    reason       what a person typed, shown as typed
    cause        why the system did it, as a code (`Cause`), rendered in the reader's language
    ...          what else a reader needs: plan codes, payment, amount, method, receipt, kind

`wagtail_hooks.py` registers each action with `HistoryFormatter`, which renders an
entry from its action and data in the active language; nothing translated is stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Membership, Payment
from portal.audit import LogFormatter, Source
from portal.money import format_euro


class HistoryAction(models.TextChoices):
    APPLIED = "members.membership.applied", _("Applied for membership")
    PLAN_CHANGED = "members.membership.plan_changed", _("Changed the plan of the application")
    ACTIVATED = "members.membership.activated", _("Membership activated")
    RENEWED = "members.membership.renewed", _("Membership renewed")
    PAYMENT_PENDING = "members.membership.payment_pending", _("Payment processing")
    PAYMENT_CLEARED = "members.membership.payment_cleared", _("Payment cleared")
    IN_ARREARS = "members.membership.in_arrears", _("Payment overdue; grace period started")
    LAPSED = "members.membership.lapsed", _("Membership lapsed")
    RESIGNATION_REQUESTED = "members.membership.resignation_requested", _("Resignation received")
    RESIGNATION_WITHDRAWN = "members.membership.resignation_withdrawn", _("Resignation withdrawn")
    RESIGNED = "members.membership.resigned", _("Resignation took effect")
    ENDED = "members.membership.ended", _("Membership ended by the secretariat")
    PAYMENT_RECORDED = "members.payment.recorded", _("Payment recorded")
    ONLINE_PAYMENT = "members.payment.online", _("Online payment")
    REMINDER_SENT = "members.reminder.sent", _("Reminder sent")


class Cause(models.TextChoices):
    """Why the system made a change (a person's own words go in "reason" instead)."""

    PAYMENT = "payment", _("payment recorded (%(method)s)")
    PERIOD_ENDED = "period_ended", _("the paid period ended; the renewal is due")
    GRACE_ENDED = "grace_ended", _("the grace period ended without payment")


REMINDER_KINDS = {
    "secretariat": _("sent by the secretariat"),
    "arrears": _("payment overdue"),
    "renewal": _("renewal notice"),
    "grace_ending": _("grace period ending"),
}


def _choice_label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def source_label(entry) -> str:
    return _choice_label(Source, (entry.data or {}).get("source"))


def status_label(value) -> str:
    return _choice_label(Membership.Status, value)


class HistoryFormatter(LogFormatter):
    """Renders a history entry: its label, then why, from the entry's data alone (no queries)."""

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        details = [self.detail(data)] if self.detail(data) else []
        cause = data.get("cause")
        if cause:
            details.append(self.cause(cause, data))
        if data.get("reason"):
            details.append(data["reason"])
        return ": ".join([str(self.label), *details])

    def detail(self, data: dict) -> str:
        return ""

    @staticmethod
    def cause(cause: str, data: dict) -> str:
        if cause == Cause.PAYMENT:
            return gettext("payment recorded (%(method)s)") % {"method": _choice_label(Payment.Method, data.get("method")).lower()}
        return _choice_label(Cause, cause)


class PaymentRecordedFormatter(HistoryFormatter):
    def detail(self, data: dict) -> str:
        parts = [format_euro(data.get("amount")), _choice_label(Payment.Method, data.get("method")).lower()]
        if data.get("receipt_number"):
            parts.append(gettext("receipt %(number)s") % {"number": data["receipt_number"]})
        return ", ".join(part for part in parts if part)


class OnlinePaymentFormatter(HistoryFormatter):
    """What Stripe reported of an invoice: its status now, its amount and period."""

    def detail(self, data: dict) -> str:
        parts = [
            _choice_label(Payment.Status, data.get("status")).lower(),
            format_euro(data.get("amount")),
        ]
        return ", ".join(part for part in parts if part)


class ReminderSentFormatter(HistoryFormatter):
    def detail(self, data: dict) -> str:
        kind = REMINDER_KINDS.get(data.get("kind"))
        return str(kind) if kind else ""


class PlanChangedFormatter(HistoryFormatter):
    def detail(self, data: dict) -> str:
        if data.get("from_plan") and data.get("to_plan"):
            return f"{data['from_plan']} → {data['to_plan']}"
        return ""


FORMATTERS = {
    HistoryAction.PAYMENT_RECORDED: PaymentRecordedFormatter,
    HistoryAction.ONLINE_PAYMENT: OnlinePaymentFormatter,
    HistoryAction.REMINDER_SENT: ReminderSentFormatter,
    HistoryAction.PLAN_CHANGED: PlanChangedFormatter,
}


def register_history_actions(actions) -> None:
    """Register every history action with its label and formatter (register_log_actions hook)."""
    for action in HistoryAction:
        base = FORMATTERS.get(action, HistoryFormatter)
        formatter = type(f"{base.__name__}_{action.name}", (base,), {"label": action.label})
        actions.register_action(action.value)(formatter)
