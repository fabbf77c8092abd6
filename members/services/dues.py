"""Dues: payments, receipt numbers and the start of an online payment.

A payment recorded by the secretariat activates or renews the membership for the
plan's period and takes the next receipt number of its year. Stripe's payments
arrive by webhook (`members.stripe_sync`); starting Checkout stores the member's
Stripe customer first.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from members import stripe_gateway
from members.models import Membership, MembershipAction, MembershipPlan, Payment, ReceiptSequence
from members.history import Cause, HistoryAction
from members.services.transitions import membership_lock, membership_log, membership_transition
from portal.audit import Source
from portal.exceptions import DomainError
from portal.dates import add_months
from portal.money import vat_included

Status = Membership.Status


def plan_period(*, plan: MembershipPlan, start: date) -> tuple[date, date]:
    """The period a payment covers: `plan.period_months` from `start`, last day inclusive."""
    return start, add_months(start, plan.period_months) - timedelta(days=1)



def _next_receipt_number(year: int) -> str:
    """Take the next receipt number of `year`, holding its sequence row until commit."""
    prefix = f"R{year}-"
    sequence, _created = ReceiptSequence.objects.select_for_update().get_or_create(
        year=year, defaults={"last_number": _highest_receipt_number(prefix)}
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}{sequence.last_number:05d}"


def _highest_receipt_number(prefix: str) -> int:
    last = (
        Payment.objects.filter(receipt_number__startswith=prefix)
        .order_by("-receipt_number")
        .values_list("receipt_number", flat=True)
        .first()
    )
    return int(last.removeprefix(prefix)) if last else 0


def _covered_period(membership: Membership, today: date) -> tuple[date, date]:
    """The next period to pay for: straight after the paid period, or from today.

    A member in arrears kept their rights during the grace period, so their new
    period follows the old one without a gap; anyone else starts today.
    """
    if membership.paid_until and membership.is_member:
        start = membership.paid_until + timedelta(days=1)
    else:
        start = today
    return plan_period(plan=membership.plan, start=start)


def _activate_until(
    membership: Membership, *, paid_until: date, actor, source: str, pending: bool, data: dict
) -> Membership:
    """Make `membership` active up to `paid_until` (never shortening it)."""
    renewal = membership.status == Status.ACTIVE
    previous = membership_transition(
        membership,
        MembershipAction.RENEW if renewal else MembershipAction.ACTIVATE,
        refusal=_("This membership was ended by the secretariat; apply again to rejoin."),
    )
    membership.paid_until = max(filter(None, [membership.paid_until, paid_until]))
    membership.payment_pending = pending
    membership.grace_until = None
    if previous not in Membership.MEMBER_STATUSES or not membership.member_since:
        membership.member_since = timezone.localdate()
    if previous in (Status.LAPSED, Status.RESIGNED):
        membership.resignation_requested_at = None
    membership.save(
        update_fields=[
            "status", "paid_until", "payment_pending", "grace_until", "member_since",
            "resignation_requested_at", "updated_at",
        ]
    )
    action = HistoryAction.RENEWED if renewal else HistoryAction.ACTIVATED
    membership_log(membership, action, from_status=previous, actor=actor, source=source, data=data)
    return membership


# No payment to the association is older than this; a date before it is a typing error.
EARLIEST_PAYMENT_DATE = date(2000, 1, 1)


def payment_date_bounds(*, membership: Membership, today: date | None = None) -> tuple[date, date]:
    """The dates a recorded payment may carry: from the day of the (first) application, at
    the earliest 1 January 2000, up to today."""
    applied_on = timezone.localdate(membership.created_at) if membership.created_at else None
    earliest = max(filter(None, [EARLIEST_PAYMENT_DATE, applied_on]))
    return earliest, today or timezone.localdate()


def payment_date_error(*, membership: Membership, paid_on: date) -> str:
    """Why `paid_on` cannot be a payment date for `membership` ("" when it can)."""
    earliest, latest = payment_date_bounds(membership=membership)
    if earliest <= paid_on <= latest:
        return ""
    return _(
        "The payment date must lie between %(earliest)s (when the membership was applied for, "
        "and not before 1 January 2000) and today; %(date)s is outside that range."
    ) % {"earliest": formats.date_format(earliest), "date": formats.date_format(paid_on)}


@transaction.atomic
def payment_record(
    *,
    membership: Membership,
    method: str,
    paid_on: date,
    actor,
    amount: Decimal | None = None,
    reference: str = "",
) -> Payment:
    """The secretariat records a bank transfer or other payment.

    It activates or renews the membership for the plan's period and gets a receipt number.
    """
    if method not in (Payment.Method.BANK_TRANSFER, Payment.Method.OTHER):
        raise DomainError(_("Online payments are recorded by Stripe, not by hand."))
    membership = membership_lock(membership)
    date_error = payment_date_error(membership=membership, paid_on=paid_on)
    if date_error:
        raise DomainError(date_error)
    if not membership.can_record_payment:
        raise DomainError(_("This membership was ended by the secretariat; apply again to rejoin."))
    plan = membership.plan
    amount = plan.price_incl_vat if amount is None else amount
    if amount < 0:
        raise DomainError(_("An amount cannot be negative."))
    period_start, period_end = _covered_period(membership, timezone.localdate())
    vat_amount = vat_included(amount, plan.vat_rate)  # for the plan's price, exactly what the plan shows
    payment = Payment(
        membership=membership,
        plan=plan,
        method=method,
        status=Payment.Status.PAID,
        amount=amount,
        vat_amount=vat_amount,
        vat_rate=plan.vat_rate,
        period_start=period_start,
        period_end=period_end,
        paid_at=timezone.make_aware(datetime.combine(paid_on, datetime.min.time())),
        reference=reference,
        recorded_by=actor,
    )
    payment.receipt_number = _next_receipt_number(paid_on.year)
    payment.full_clean()
    payment.save()
    membership_log(
        membership,
        HistoryAction.PAYMENT_RECORDED,
        from_status=membership.status,
        actor=actor,
        source=Source.SECRETARIAT,
        data={
            "payment": payment.pk,
            "method": method,
            "amount": amount,
            "paid_on": paid_on,
            "receipt_number": payment.receipt_number,
            "period_start": period_start,
            "period_end": period_end,
        },
    )
    _activate_until(
        membership,
        paid_until=period_end,
        actor=actor,
        source=Source.SECRETARIAT,
        pending=False,
        data={"cause": Cause.PAYMENT, "method": method, "payment": payment.pk, "paid_until": period_end},
    )
    return payment



# --- Paying online ----------------------------------------------------------------


@transaction.atomic
def membership_stripe_customer_set(*, membership: Membership, customer_id: str) -> Membership:
    """Remember the member's Stripe customer (after it was created at Stripe)."""
    membership = membership_lock(membership)
    if membership.stripe_customer_id:
        return membership
    membership.stripe_customer_id = customer_id
    membership.save(update_fields=["stripe_customer_id", "updated_at"])
    return membership


def membership_checkout_start(*, membership: Membership, success_url: str, cancel_url: str) -> str:
    """Start Stripe Checkout for the membership's plan; returns the address to send the member to.

    The Stripe customer is created once and stored before Checkout starts, so the
    webhook finds the membership by its customer.
    """
    if not membership.plan.stripe_price_id:
        raise DomainError(_("This plan cannot be paid online. Please pay by bank transfer."))
    customer_id = membership.stripe_customer_id
    if not customer_id:
        customer_id = stripe_gateway.customer_create(membership=membership)
        customer_id = membership_stripe_customer_set(membership=membership, customer_id=customer_id).stripe_customer_id
    return stripe_gateway.checkout_session_create(
        membership=membership, customer_id=customer_id, success_url=success_url, cancel_url=cancel_url
    )
