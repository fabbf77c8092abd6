"""Every write to memberships, plans and payments.

The membership status is a state machine:

    applicant ──pay──▶ active ──payment failed──▶ in_arrears ──grace over──▶ lapsed
        ▲                │  ▲                          │
        │                │  └──────────paid────────────┘
     (re)apply           └──resign (at the end of the paid period)──▶ resigned
                         any ──secretariat, with a reason──▶ ended

Each transition is one function: it locks the row, checks the current status
(raising DomainError when the move is not allowed), saves only what changed and
writes a MembershipChange recording who, when and why. Views, admin actions,
webhooks and tasks all call these functions.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Membership, MembershipChange, MembershipPlan, MemberProfile, Payment
from portal.exceptions import DomainError

Status = Membership.Status
Source = MembershipChange.Source

# Days a member keeps their rights after a failed payment before the membership lapses.
GRACE_DAYS = 30
# The versions of the statutes and privacy statement that applicants accept now.
STATUTES_VERSION = "2026-01"
PRIVACY_VERSION = "2026-01"

ALLOWED = {
    "activate": {Status.APPLICANT, Status.IN_ARREARS, Status.LAPSED, Status.RESIGNED, Status.ACTIVE},
    "in_arrears": {Status.ACTIVE},
    "lapse": {Status.IN_ARREARS},
    "resign_request": {Status.ACTIVE, Status.IN_ARREARS},
    "resign_complete": {Status.ACTIVE, Status.IN_ARREARS},
    "end": {Status.APPLICANT, Status.ACTIVE, Status.IN_ARREARS, Status.LAPSED, Status.RESIGNED},
}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_period(*, plan: MembershipPlan, start: date) -> tuple[date, date]:
    """The period a payment covers: `plan.period_months` from `start`, last day inclusive."""
    return start, add_months(start, plan.period_months) - timedelta(days=1)


def _lock(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("plan", "user").get(pk=membership.pk)


def _record(
    membership: Membership,
    *,
    action: str,
    from_status: str,
    actor=None,
    source: str,
    reason: str = "",
    data: dict | None = None,
) -> MembershipChange:
    return MembershipChange.objects.create(
        membership=membership,
        action=action,
        from_status=from_status,
        to_status=membership.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        reason=reason,
        data=data or {},
    )


def _check(membership: Membership, move: str, message: str) -> None:
    if membership.status not in ALLOWED[move]:
        raise DomainError(message)


# --- Applying -----------------------------------------------------------------


@transaction.atomic
def membership_apply(
    *,
    user,
    plan: MembershipPlan,
    profile: dict,
    accepted_statutes: bool,
    accepted_privacy: bool,
) -> Membership:
    """Apply for membership (or resume an application, or rejoin after it ended).

    Stores the contact details and first profile, and which versions of the statutes
    and privacy statement were accepted. Payment follows separately.
    """
    if not (accepted_statutes and accepted_privacy):
        raise DomainError(_("Accept the statutes and the privacy statement to apply."))
    if not plan.is_active:
        raise DomainError(_("This plan is not open for new members."))

    profile_obj = MemberProfile.objects.filter(user=user).first() or MemberProfile(user=user)
    for field, value in profile.items():
        setattr(profile_obj, field, value)
    profile_obj.full_clean()
    profile_obj.save()

    now = timezone.now()
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is None:
        membership = Membership(
            user=user,
            plan=plan,
            statutes_version=STATUTES_VERSION,
            privacy_version=PRIVACY_VERSION,
            terms_accepted_at=now,
        )
        membership.full_clean()
        membership.save()
        _record(membership, action="members.membership.applied", from_status="", actor=user, source=Source.MEMBER)
        return membership

    if membership.status in Membership.MEMBER_STATUSES:
        raise DomainError(_("You are already a member."))
    previous = membership.status
    membership.plan = plan
    membership.status = Status.APPLICANT
    membership.statutes_version = STATUTES_VERSION
    membership.privacy_version = PRIVACY_VERSION
    membership.terms_accepted_at = now
    membership.grace_until = None
    membership.resignation_requested_at = None
    membership.ended_reason = ""
    membership.save(
        update_fields=[
            "plan", "status", "statutes_version", "privacy_version", "terms_accepted_at",
            "grace_until", "resignation_requested_at", "ended_reason", "updated_at",
        ]
    )
    _record(membership, action="members.membership.applied", from_status=previous, actor=user, source=Source.MEMBER)
    return membership


# --- Paying -------------------------------------------------------------------


def _next_receipt_number(year: int) -> str:
    prefix = f"R{year}-"
    # Called under the membership's row lock; the unique constraint guards the rest.
    last = (
        Payment.objects.filter(receipt_number__startswith=prefix)
        .order_by("-receipt_number")
        .values_list("receipt_number", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _covered_period(membership: Membership, today: date) -> tuple[date, date]:
    """The next period to pay for: straight after the paid period, or from today."""
    if membership.paid_until and membership.paid_until >= today and membership.is_member:
        start = membership.paid_until + timedelta(days=1)
    else:
        start = today
    return plan_period(plan=membership.plan, start=start)


def _activate_until(
    membership: Membership, *, paid_until: date, actor, source: str, reason: str, pending: bool, data: dict
) -> Membership:
    """Make `membership` active up to `paid_until` (never shortening it)."""
    _check(membership, "activate", _("This membership was ended by the secretariat; apply again to rejoin."))
    previous = membership.status
    membership.status = Status.ACTIVE
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
    action = "members.membership.renewed" if previous == Status.ACTIVE else "members.membership.activated"
    _record(membership, action=action, from_status=previous, actor=actor, source=source, reason=reason, data=data)
    return membership


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
    if paid_on > timezone.localdate():
        raise DomainError(_("A payment date cannot lie in the future."))
    membership = _lock(membership)
    if membership.status == Status.ENDED:
        raise DomainError(_("This membership was ended by the secretariat; apply again to rejoin."))
    plan = membership.plan
    amount = plan.price_incl_vat if amount is None else amount
    if amount < 0:
        raise DomainError(_("An amount cannot be negative."))
    period_start, period_end = _covered_period(membership, timezone.localdate())
    vat_amount = (amount * plan.vat_rate / (100 + plan.vat_rate)).quantize(Decimal("0.01"))
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
        receipt_number=_next_receipt_number(paid_on.year),
        recorded_by=actor,
    )
    payment.full_clean()
    payment.save()
    _activate_until(
        membership,
        paid_until=period_end,
        actor=actor,
        source=Source.SECRETARIAT,
        reason=_("Payment recorded: %(method)s") % {"method": payment.get_method_display()},
        pending=False,
        data={"payment": payment.pk, "amount": str(amount)},
    )
    return payment


# --- Arrears, lapse, resignation, ending ---------------------------------------


@transaction.atomic
def membership_mark_in_arrears(
    *, membership: Membership, actor=None, source: str = Source.SYSTEM, reason: str = "", grace_days: int = GRACE_DAYS
) -> Membership:
    """A payment failed (or the paid period ran out): rights continue for a grace period."""
    membership = _lock(membership)
    if membership.status == Status.IN_ARREARS:
        return membership  # repeated: nothing changes
    _check(membership, "in_arrears", _("Only an active membership can fall into arrears."))
    previous = membership.status
    membership.status = Status.IN_ARREARS
    membership.payment_pending = False
    membership.grace_until = timezone.localdate() + timedelta(days=grace_days)
    membership.save(update_fields=["status", "payment_pending", "grace_until", "updated_at"])
    _record(membership, action="members.membership.in_arrears", from_status=previous, actor=actor, source=source, reason=reason)
    return membership


@transaction.atomic
def membership_lapse(*, membership: Membership, actor=None, source: str = Source.SYSTEM, reason: str = "") -> Membership:
    """The grace period is over without payment."""
    membership = _lock(membership)
    if membership.status == Status.LAPSED:
        return membership
    _check(membership, "lapse", _("Only a membership in arrears can lapse."))
    previous = membership.status
    membership.status = Status.LAPSED
    membership.save(update_fields=["status", "updated_at"])
    _record(membership, action="members.membership.lapsed", from_status=previous, actor=actor, source=source, reason=reason)
    return membership


def membership_resign(*, membership: Membership, actor, reason: str = "") -> Membership:
    """The member resigns; the membership ends at the end of the paid period.

    With Stripe, the subscription is first set to cancel at the period end there, so
    no further charge follows; only then is the resignation stored.
    """
    if membership.resignation_requested_at:
        return membership
    if membership.status not in ALLOWED["resign_request"]:
        raise DomainError(_("Only a current membership can be resigned."))
    if membership.uses_stripe and settings.STRIPE_ENABLED:
        from members import stripe_gateway

        stripe_gateway.subscription_cancel_at_period_end(membership=membership)
    return _resignation_store(membership=membership, actor=actor, reason=reason)


@transaction.atomic
def _resignation_store(*, membership: Membership, actor, reason: str) -> Membership:
    membership = _lock(membership)
    if membership.resignation_requested_at:
        return membership
    _check(membership, "resign_request", _("Only a current membership can be resigned."))
    membership.resignation_requested_at = timezone.now()
    membership.save(update_fields=["resignation_requested_at", "updated_at"])
    _record(
        membership,
        action="members.membership.resignation_requested",
        from_status=membership.status,
        actor=actor,
        source=Source.MEMBER if actor == membership.user else Source.SECRETARIAT,
        reason=reason,
        data={"ends_on": membership.paid_until.isoformat() if membership.paid_until else None},
    )
    return membership


@transaction.atomic
def membership_resignation_complete(
    *, membership: Membership, actor=None, source: str = Source.SYSTEM, today: date | None = None
) -> Membership:
    """At the end of the paid period, a requested resignation takes effect."""
    membership = _lock(membership)
    if membership.status == Status.RESIGNED:
        return membership
    today = today or timezone.localdate()
    if not membership.resignation_requested_at:
        raise DomainError(_("This member has not resigned."))
    _check(membership, "resign_complete", _("Only a current membership can be resigned."))
    if membership.paid_until and membership.paid_until >= today and source != Source.STRIPE:
        raise DomainError(_("The membership runs until the end of the paid period."))
    previous = membership.status
    membership.status = Status.RESIGNED
    membership.payment_pending = False
    membership.save(update_fields=["status", "payment_pending", "updated_at"])
    _record(membership, action="members.membership.resigned", from_status=previous, actor=actor, source=source)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, actor, reason: str) -> Membership:
    """The secretariat ends a membership, whatever its status, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for ending the membership."))
    membership = _lock(membership)
    if membership.status == Status.ENDED:
        raise DomainError(_("This membership has already ended."))
    previous = membership.status
    membership.status = Status.ENDED
    membership.ended_reason = reason
    membership.payment_pending = False
    membership.save(update_fields=["status", "ended_reason", "payment_pending", "updated_at"])
    _record(membership, action="members.membership.ended", from_status=previous, actor=actor, source=Source.SECRETARIAT, reason=reason)
    return membership
