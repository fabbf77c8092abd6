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
import logging
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import Membership, MembershipChange, MembershipPlan, MemberProfile, Payment, ReceiptSequence
from portal.exceptions import DomainError
from portal.models import OutboundEmail

logger = logging.getLogger(__name__)

Status = Membership.Status
Source = MembershipChange.Source

# Days a member keeps their rights after a failed payment before the membership lapses.
GRACE_DAYS = 30
# The versions of the statutes and privacy statement that applicants accept now.
STATUTES_VERSION = "2026-01"
PRIVACY_VERSION = "2026-01"
# A Stripe member hears this many days ahead that the next yearly charge is coming.
RENEWAL_NOTICE_DAYS = 14
# A member in arrears hears this many days ahead that the grace period ends.
GRACE_NOTICE_DAYS = 7
# How long the one-click resignation link in a reminder stays valid.
RESIGN_LINK_MAX_AGE = timedelta(days=60)

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
    # Lock only the membership row: locking the joined plan would queue every member on it.
    return Membership.objects.select_for_update(of=("self",)).select_related("plan", "user").get(pk=membership.pk)


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
    first_name: str | None = None,
    last_name: str | None = None,
) -> Membership:
    """Apply for membership (or resume an application, or rejoin after it ended).

    Stores the contact details and first profile, and which versions of the statutes
    and privacy statement were accepted. Payment follows separately. Resuming an
    application changes the details but adds no history unless the plan changes.
    """
    if not (accepted_statutes and accepted_privacy):
        raise DomainError(_("Accept the statutes and the privacy statement to apply."))
    if not plan.is_active:
        raise DomainError(_("This plan is not open for new members."))

    names = {"first_name": first_name, "last_name": last_name}
    names = {field: value.strip() for field, value in names.items() if value is not None}
    if any(not value for value in names.values()):
        raise DomainError(_("Give your first and last name."))
    changed_names = [field for field, value in names.items() if getattr(user, field) != value]
    if changed_names:
        for field in changed_names:
            setattr(user, field, names[field])
        user.save(update_fields=changed_names)

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
    previous_plan = membership.plan
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
    if previous != Status.APPLICANT:
        _record(membership, action="members.membership.applied", from_status=previous, actor=user, source=Source.MEMBER)
    elif previous_plan.pk != plan.pk:
        _record(
            membership,
            action="members.membership.plan_changed",
            from_status=previous,
            actor=user,
            source=Source.MEMBER,
            data={"from_plan": previous_plan.code, "to_plan": plan.code},
        )
    return membership


# --- Paying -------------------------------------------------------------------


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
    if amount == plan.price_incl_vat:
        vat_amount = plan.vat_amount  # exactly what the plan shows, never a cent off
    else:
        vat_amount = (amount * plan.vat_rate / (100 + plan.vat_rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
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
    *,
    membership: Membership,
    actor=None,
    source: str = Source.SYSTEM,
    reason: str = "",
    grace_days: int = GRACE_DAYS,
    today: date | None = None,
) -> Membership:
    """A payment failed (or the paid period ran out): rights continue for a grace period.

    The member is told once, after commit, what happened and until when they can pay.
    """
    membership = _lock(membership)
    if membership.status == Status.IN_ARREARS:
        return membership  # repeated: nothing changes
    _check(membership, "in_arrears", _("Only an active membership can fall into arrears."))
    previous = membership.status
    membership.status = Status.IN_ARREARS
    membership.payment_pending = False
    membership.grace_until = (today or timezone.localdate()) + timedelta(days=grace_days)
    membership.save(update_fields=["status", "payment_pending", "grace_until", "updated_at"])
    _record(membership, action="members.membership.in_arrears", from_status=previous, actor=actor, source=source, reason=reason)
    pk = membership.pk
    transaction.on_commit(lambda: _task_queue("members.tasks.membership_reminder_send", pk, REMINDER_ARREARS))
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
    # Decide on the stored state, not on whatever copy the caller holds.
    membership = Membership.objects.select_related("plan", "user").get(pk=membership.pk)
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


def membership_resignation_withdraw(*, membership: Membership, actor) -> Membership:
    """The member takes back a resignation before it takes effect; the membership
    continues and (with Stripe) renews again. Stripe is told first."""
    membership = Membership.objects.select_related("plan", "user").get(pk=membership.pk)
    if not membership.resignation_requested_at:
        return membership
    if membership.status not in Membership.MEMBER_STATUSES:
        raise DomainError(_("This resignation has already taken effect; apply again to rejoin."))
    stripe_told = False
    if membership.uses_stripe and settings.STRIPE_ENABLED:
        from members import stripe_gateway

        stripe_gateway.subscription_resume(membership=membership)
        stripe_told = True
    return _resignation_withdrawal_store(membership=membership, actor=actor, stripe_told=stripe_told)


@transaction.atomic
def _resignation_withdrawal_store(*, membership: Membership, actor, stripe_told: bool) -> Membership:
    membership = _lock(membership)
    if not membership.resignation_requested_at:
        return membership
    if membership.status not in Membership.MEMBER_STATUSES:
        raise DomainError(_("This resignation has already taken effect; apply again to rejoin."))
    membership.resignation_requested_at = None
    fields = ["resignation_requested_at", "updated_at"]
    if stripe_told:
        # The subscription's state is known as of now: an older snapshot of it
        # (still cancelling) that Stripe delivers late must not bring the resignation back.
        membership.stripe_synced_at = timezone.now()
        fields.append("stripe_synced_at")
    membership.save(update_fields=fields)
    _record(
        membership,
        action="members.membership.resignation_withdrawn",
        from_status=membership.status,
        actor=actor,
        source=Source.MEMBER if actor == membership.user else Source.SECRETARIAT,
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


# --- Reminders ------------------------------------------------------------------

REMINDER_ARREARS = "arrears"
REMINDER_RENEWAL = "renewal"
REMINDER_GRACE_ENDING = "grace_ending"
REMINDER_TEMPLATES = {
    REMINDER_ARREARS: "members/email/arrears_notice",
    REMINDER_RENEWAL: "members/email/renewal_notice",
    REMINDER_GRACE_ENDING: "members/email/grace_ending",
}


def _task_queue(func: str, *args) -> None:
    from django_q.tasks import async_task

    async_task(func, *args)


def resign_link_token(*, membership: Membership) -> str:
    """A signed, expiring token for the one-click resignation link in reminders."""
    return signing.dumps({"m": membership.pk}, salt="members.resign", compress=True)


def resign_link_membership(*, token: str) -> Membership | None:
    """The membership a resignation link is for, or None when it is forged or expired."""
    try:
        data = signing.loads(token, salt="members.resign", max_age=RESIGN_LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return Membership.objects.select_related("plan", "user").filter(pk=data.get("m")).first()


def _absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def _reminder_key(membership: Membership, kind: str) -> str | None:
    """The occasion a reminder is about: one mail per membership, kind and date."""
    if kind == REMINDER_RENEWAL and membership.paid_until:
        return f"renewal-notice:{membership.pk}:{membership.paid_until.isoformat()}"
    if kind == REMINDER_ARREARS and membership.grace_until:
        return f"arrears-notice:{membership.pk}:{membership.grace_until.isoformat()}"
    if kind == REMINDER_GRACE_ENDING and membership.grace_until:
        return f"grace-ending:{membership.pk}:{membership.grace_until.isoformat()}"
    return None


def _reminder_applies(membership: Membership, kind: str) -> bool:
    if kind == REMINDER_RENEWAL:
        return (
            membership.status == Status.ACTIVE
            and membership.uses_stripe
            and not membership.resignation_requested_at
            and membership.paid_until is not None
        )
    return membership.status == Status.IN_ARREARS and membership.grace_until is not None


def membership_reminder_send(*, membership: Membership, kind: str):
    """Queue one reminder e-mail, in the member's language; at most once per occasion.

    Returns the queued OutboundEmail, or None when the reminder no longer applies
    (the member paid or resigned in the meantime).
    """
    from wagtail.models import Site

    from members.selectors import bank_reference
    from portal.mail import email_render_and_queue
    from portal.models import AssociationSettings

    membership = Membership.objects.select_related("plan", "user").get(pk=membership.pk)
    if kind not in REMINDER_TEMPLATES:
        raise ValueError(f"Unknown reminder {kind!r}")
    if not _reminder_applies(membership, kind):
        return None
    user = membership.user
    language = user.language or settings.LANGUAGE_CODE
    site = Site.objects.filter(is_default_site=True).first()
    association = AssociationSettings.for_site(site) if site else None
    with translation.override(language):
        context = {
            "membership": membership,
            "user": user,
            "plan": membership.plan,
            "association": association,
            "amount": membership.plan.price_incl_vat,
            "charge_date": membership.paid_until + timedelta(days=1) if membership.paid_until else None,
            "dashboard_url": _absolute(reverse("members:dashboard")),
            "resign_url": _absolute(
                reverse("members:resign_link", kwargs={"token": resign_link_token(membership=membership)})
            ),
            "pay_url": _absolute(reverse("members:pay")),
            "bank_reference": bank_reference(membership=membership),
        }
    return email_render_and_queue(
        to=[user.email],
        template=REMINDER_TEMPLATES[kind],
        context=context,
        language=language,
        kind=f"members.{kind}",
        key=_reminder_key(membership, kind),
    )


def reminders_due(*, today: date) -> list[tuple[Membership, str]]:
    """The reminders the daily run should send today (sending is idempotent per occasion)."""
    due = []
    renewal = Membership.objects.filter(
        status=Status.ACTIVE,
        resignation_requested_at__isnull=True,
        paid_until__gte=today,
        paid_until__lte=today + timedelta(days=RENEWAL_NOTICE_DAYS),
    ).exclude(stripe_subscription_id="").exclude(stripe_subscription_status__in=["canceled", "incomplete_expired"])
    due += [(membership, REMINDER_RENEWAL) for membership in renewal.order_by("pk")]
    grace = Membership.objects.filter(
        status=Status.IN_ARREARS, grace_until__gte=today, grace_until__lte=today + timedelta(days=GRACE_NOTICE_DAYS)
    )
    due += [(membership, REMINDER_GRACE_ENDING) for membership in grace.order_by("pk")]
    return due


# --- The daily run ----------------------------------------------------------------


def memberships_daily_run(*, today: date | None = None) -> dict[str, int]:
    """Move memberships on as time passes, and send the reminders that are due.

    - a requested resignation takes effect once the paid period is over;
    - an in-arrears membership whose grace period is over lapses;
    - an active membership paid by hand whose paid period is over falls into arrears
      (renewal due); Stripe renews its own subscriptions and tells us by webhook;
    - renewal notices (Stripe) and grace-period notices go out.

    Each membership is moved by its own transition in its own transaction, so a run
    that stops half-way leaves no half write, and a second run changes nothing.
    """
    today = today or timezone.localdate()
    counts = {"resigned": 0, "lapsed": 0, "in_arrears": 0, "reminders": 0, "skipped": 0}
    resigning = Membership.objects.filter(
        status__in=Membership.MEMBER_STATUSES, resignation_requested_at__isnull=False
    ).filter(Q(paid_until__lt=today) | Q(paid_until__isnull=True))
    for membership in resigning.order_by("pk"):
        counts[_attempt(membership_resignation_complete, membership=membership, today=today) or "resigned"] += 1
    expired_grace = Membership.objects.filter(status=Status.IN_ARREARS, grace_until__lt=today)
    for membership in expired_grace.order_by("pk"):
        outcome = _attempt(
            membership_lapse, membership=membership, reason=_("The grace period ended without payment.")
        )
        counts[outcome or "lapsed"] += 1
    renewal_due = Membership.objects.filter(
        status=Status.ACTIVE, stripe_subscription_id="", paid_until__lt=today, resignation_requested_at__isnull=True
    )
    for membership in renewal_due.order_by("pk"):
        outcome = _attempt(
            membership_mark_in_arrears,
            membership=membership,
            reason=_("The paid period ended; the renewal is due."),
            today=today,
        )
        counts[outcome or "in_arrears"] += 1
    for membership, kind in reminders_due(today=today):
        key = _reminder_key(membership, kind)
        if key and OutboundEmail.objects.filter(key=key).exists():
            continue  # sent on an earlier run
        if membership_reminder_send(membership=membership, kind=kind) is not None:
            counts["reminders"] += 1
    return counts


def _attempt(transition, **kwargs) -> str | None:
    """Run one transition; a membership that changed in the meantime is skipped, not fatal."""
    try:
        transition(**kwargs)
    except DomainError as error:
        logger.info("Daily run skipped membership %s: %s", kwargs["membership"].pk, error.message)
        return "skipped"
    return None
