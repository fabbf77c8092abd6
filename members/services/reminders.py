"""Reminders: the e-mails about dues, automatic and sent by the secretariat.

A reminder goes out at most once per occasion (its outbox key); the one-click
resignation link in a reminder is a signed, expiring token.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Site

from members.models import Membership
from members.selectors import bank_reference
from members.history import HistoryAction
from members.services.transitions import membership_lock, membership_log
from portal.audit import Source
from portal.exceptions import DomainError
from portal.mail import email_render_and_queue
from portal.models import AssociationSettings, OutboundEmail

Status = Membership.Status

# A Stripe member hears this many days ahead that the next yearly charge is coming.
RENEWAL_NOTICE_DAYS = 14
# A member in arrears hears this many days ahead that the grace period ends.
GRACE_NOTICE_DAYS = 7
# How long the one-click resignation link in a reminder stays valid.
RESIGN_LINK_MAX_AGE = timedelta(days=60)

REMINDER_ARREARS = "arrears"
REMINDER_RENEWAL = "renewal"
REMINDER_GRACE_ENDING = "grace_ending"
REMINDER_TEMPLATES = {
    REMINDER_ARREARS: "members/email/arrears_notice",
    REMINDER_RENEWAL: "members/email/renewal_notice",
    REMINDER_GRACE_ENDING: "members/email/grace_ending",
}


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


def reminder_key(membership: Membership, kind: str) -> str | None:
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


@transaction.atomic
def membership_reminder_send(*, membership: Membership, kind: str):
    """Queue one reminder e-mail, in the member's language; at most once per occasion.

    Returns the queued OutboundEmail, or None when the reminder no longer applies
    (the member paid or resigned in the meantime). A reminder queued now is logged.
    """
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
    key = reminder_key(membership, kind)
    already = OutboundEmail.objects.filter(key=key).first() if key else None
    if already is not None:
        return already
    email = email_render_and_queue(
        to=[user.email],
        template=REMINDER_TEMPLATES[kind],
        context=context,
        language=language,
        kind=f"members.{kind}",
        key=key,
    )
    membership_log(
        membership,
        HistoryAction.REMINDER_SENT,
        from_status=membership.status,
        source=Source.SYSTEM,
        data={"kind": kind, "email": email.pk},
    )
    return email


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




# --- Sent by the secretariat ---------------------------------------------------------


def membership_admin_reminder_send(*, membership: Membership, actor, association: AssociationSettings | None) -> bool:
    """The secretariat sends a payment reminder; at most one per membership per day.

    Returns False when today's reminder had already been queued (a double click).
    """
    today = timezone.localdate()
    key = f"members.admin-reminder:{membership.pk}:{today.isoformat()}"
    with transaction.atomic():
        # The row lock makes two simultaneous clicks wait for each other.
        membership = membership_lock(membership)
        if not membership.can_get_reminder:
            raise DomainError(_("A reminder is only sent to applicants and current or lapsed members."))
        if OutboundEmail.objects.filter(key=key).exists():
            return False
        plan = membership.plan
        email = email_render_and_queue(
            to=[membership.user.email],
            template="members/email/admin_reminder",
            context={
                "membership": membership,
                "user": membership.user,
                "plan": plan,
                "amount": plan.price_incl_vat,
                "association": association,
                "portal_url": _dashboard_url(membership.user.language),
            },
            language=membership.user.language,
            kind="members.admin_reminder",
            key=key,
        )
        membership_log(
            membership,
            HistoryAction.REMINDER_SENT,
            from_status=membership.status,
            actor=actor,
            source=Source.SECRETARIAT,
            data={"kind": "secretariat", "email": email.pk},
        )
    return True


def _dashboard_url(language: str) -> str:
    """The member's "My membership" page, in their language."""
    with translation.override(language):
        try:
            return settings.BASE_URL + reverse("members:dashboard")
        except NoReverseMatch:
            return settings.BASE_URL + "/"
