"""Memberships: applying, arrears, lapse, resignation and ending.

The membership status is a state machine:

    applicant ──pay──▶ active ──payment failed──▶ in_arrears ──grace over──▶ lapsed
        ▲                │  ▲                          │
        │                │  └──────────paid────────────┘
     (re)apply           └──resign (at the end of the paid period)──▶ resigned
                         any ──secretariat, with a reason──▶ ended

Each transition is one function: it locks the row, checks the current status
(raising DomainError when the move is not allowed), saves only what changed and
records who, when and why. Views, admin actions, webhooks and tasks all call
these functions. Paying lives in `dues`, reminders in `reminders`.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django_q.tasks import async_task
from wagtail.models import Site
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members import stripe_gateway
from members.models import Membership, MembershipAction, MembershipPlan, MemberProfile
from members.selectors import bank_reference
from members.services.reminders import REMINDER_ARREARS
from members.history import HistoryAction
from members.services.transitions import membership_lock, membership_log, membership_transition
from portal.audit import Source
from portal.exceptions import DomainError
from portal.mail import email_render_and_queue
from portal.models import AssociationSettings

Status = Membership.Status
Action = MembershipAction

# Days a member keeps their rights after a failed payment before the membership lapses.
GRACE_DAYS = 30
# The versions of the statutes and privacy statement that applicants accept now.
STATUTES_VERSION = "2026-01"
PRIVACY_VERSION = "2026-01"


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
        membership_log(membership, HistoryAction.APPLIED, from_status="", actor=user, source=Source.MEMBER)
        _application_mail_queue(membership)
        return membership

    previous = membership_transition(membership, Action.APPLY, refusal=_("You are already a member."))
    previous_plan = membership.plan
    membership.plan = plan
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
        membership_log(membership, HistoryAction.APPLIED, from_status=previous, actor=user, source=Source.MEMBER)
        _application_mail_queue(membership)
    elif previous_plan.pk != plan.pk:
        membership_log(
            membership,
            HistoryAction.PLAN_CHANGED,
            from_status=previous,
            actor=user,
            source=Source.MEMBER,
            data={"from_plan": previous_plan.code, "to_plan": plan.code},
        )
    return membership


def _application_mail_queue(membership: Membership) -> None:
    """Tell the applicant, in their language, what happens next: paying online, or the
    association's bank account and the reference. Sent once per application, after commit."""
    user = membership.user
    language = user.language or settings.LANGUAGE_CODE
    site = Site.objects.filter(is_default_site=True).first()
    with translation.override(language):
        dashboard_url = settings.BASE_URL + reverse("members:dashboard")
        pay_url = settings.BASE_URL + reverse("members:pay")
    email_render_and_queue(
        to=[user.email],
        template="members/email/application_received",
        context={
            "membership": membership,
            "user": user,
            "plan": membership.plan,
            "amount": membership.plan.price_incl_vat,
            "association": AssociationSettings.for_site(site) if site else None,
            "stripe_enabled": settings.STRIPE_ENABLED,
            "bank_reference": bank_reference(membership=membership),
            "dashboard_url": dashboard_url,
            "pay_url": pay_url,
        },
        language=language,
        kind="members.application_received",
        key=f"members.application:{membership.pk}:{membership.terms_accepted_at.isoformat()}",
    )


# --- Arrears, lapse, resignation, ending ---------------------------------------


@transaction.atomic
def membership_mark_in_arrears(
    *,
    membership: Membership,
    actor=None,
    source: str = Source.SYSTEM,
    reason: str = "",
    cause: str = "",
    grace_days: int = GRACE_DAYS,
    today: date | None = None,
) -> Membership:
    """A payment failed (or the paid period ran out): rights continue for a grace period.

    The member is told once, after commit, what happened and until when they can pay.
    """
    membership = membership_lock(membership)
    if membership.status == Status.IN_ARREARS:
        return membership  # repeated: nothing changes
    previous = membership_transition(
        membership, Action.IN_ARREARS, refusal=_("Only an active membership can fall into arrears.")
    )
    membership.payment_pending = False
    membership.grace_until = (today or timezone.localdate()) + timedelta(days=grace_days)
    membership.save(update_fields=["status", "payment_pending", "grace_until", "updated_at"])
    membership_log(
        membership,
        HistoryAction.IN_ARREARS,
        from_status=previous,
        actor=actor,
        source=source,
        reason=reason,
        data={"cause": cause, "grace_until": membership.grace_until} if cause else {"grace_until": membership.grace_until},
    )
    pk = membership.pk
    transaction.on_commit(lambda: async_task("members.tasks.membership_reminder_send", pk, REMINDER_ARREARS))
    return membership


@transaction.atomic
def membership_lapse(
    *, membership: Membership, actor=None, source: str = Source.SYSTEM, reason: str = "", cause: str = ""
) -> Membership:
    """The grace period is over without payment."""
    membership = membership_lock(membership)
    if membership.status == Status.LAPSED:
        return membership
    previous = membership_transition(membership, Action.LAPSE, refusal=_("Only a membership in arrears can lapse."))
    membership.save(update_fields=["status", "updated_at"])
    membership_log(
        membership, HistoryAction.LAPSED, from_status=previous, actor=actor, source=source, reason=reason,
        data={"cause": cause} if cause else None,
    )
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
    if not membership.may(Action.RESIGN_REQUEST):
        raise DomainError(_("Only a current membership can be resigned."))
    if membership.uses_stripe and settings.STRIPE_ENABLED:
        stripe_gateway.subscription_cancel_at_period_end(membership=membership)
    return _resignation_store(membership=membership, actor=actor, reason=reason)


@transaction.atomic
def _resignation_store(*, membership: Membership, actor, reason: str) -> Membership:
    membership = membership_lock(membership)
    if membership.resignation_requested_at:
        return membership
    membership_transition(membership, Action.RESIGN_REQUEST, refusal=_("Only a current membership can be resigned."))
    membership.resignation_requested_at = timezone.now()
    membership.save(update_fields=["resignation_requested_at", "updated_at"])
    membership_log(
        membership,
        HistoryAction.RESIGNATION_REQUESTED,
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
    if not membership.may(Action.RESIGN_WITHDRAW):
        raise DomainError(_("This resignation has already taken effect; apply again to rejoin."))
    stripe_told = False
    if membership.uses_stripe and settings.STRIPE_ENABLED:
        stripe_gateway.subscription_resume(membership=membership)
        stripe_told = True
    return _resignation_withdrawal_store(membership=membership, actor=actor, stripe_told=stripe_told)


@transaction.atomic
def _resignation_withdrawal_store(*, membership: Membership, actor, stripe_told: bool) -> Membership:
    membership = membership_lock(membership)
    if not membership.resignation_requested_at:
        return membership
    membership_transition(
        membership, Action.RESIGN_WITHDRAW, refusal=_("This resignation has already taken effect; apply again to rejoin.")
    )
    membership.resignation_requested_at = None
    fields = ["resignation_requested_at", "updated_at"]
    if stripe_told:
        # The subscription's state is known as of now: an older snapshot of it
        # (still cancelling) that Stripe delivers late must not bring the resignation back.
        membership.stripe_synced_at = timezone.now()
        fields.append("stripe_synced_at")
    membership.save(update_fields=fields)
    membership_log(
        membership,
        HistoryAction.RESIGNATION_WITHDRAWN,
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
    membership = membership_lock(membership)
    if membership.status == Status.RESIGNED:
        return membership
    today = today or timezone.localdate()
    if not membership.resignation_requested_at:
        raise DomainError(_("This member has not resigned."))
    if membership.paid_until and membership.paid_until >= today and source != Source.STRIPE and membership.is_member:
        raise DomainError(_("The membership runs until the end of the paid period."))
    previous = membership_transition(
        membership, Action.RESIGN_COMPLETE, refusal=_("Only a current membership can be resigned.")
    )
    membership.payment_pending = False
    membership.save(update_fields=["status", "payment_pending", "updated_at"])
    membership_log(membership, HistoryAction.RESIGNED, from_status=previous, actor=actor, source=source)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, actor, reason: str) -> Membership:
    """The secretariat ends a membership, whatever its status, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for ending the membership."))
    membership = membership_lock(membership)
    previous = membership_transition(membership, Action.END, refusal=_("This membership has already ended."))
    membership.ended_reason = reason
    membership.payment_pending = False
    membership.save(update_fields=["status", "ended_reason", "payment_pending", "updated_at"])
    membership_log(membership, HistoryAction.ENDED, from_status=previous, actor=actor, source=Source.SECRETARIAT, reason=reason)
    return membership


