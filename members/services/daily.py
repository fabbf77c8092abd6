"""The daily run: memberships move on as time passes, and due reminders go out."""

from __future__ import annotations

import logging
from datetime import date

from django.db.models import Q
from django.utils import timezone

from members.history import Cause
from members.models import Membership
from members.services.membership import membership_lapse, membership_mark_in_arrears, membership_resignation_complete
from members.services.reminders import membership_reminder_send, reminder_key, reminders_due
from portal.exceptions import DomainError
from portal.models import OutboundEmail

logger = logging.getLogger(__name__)

Status = Membership.Status


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
            membership_lapse, membership=membership, cause=Cause.GRACE_ENDED
        )
        counts[outcome or "lapsed"] += 1
    renewal_due = Membership.objects.filter(
        status=Status.ACTIVE, stripe_subscription_id="", paid_until__lt=today, resignation_requested_at__isnull=True
    )
    for membership in renewal_due.order_by("pk"):
        outcome = _attempt(
            membership_mark_in_arrears,
            membership=membership,
            cause=Cause.PERIOD_ENDED,
            today=today,
        )
        counts[outcome or "in_arrears"] += 1
    for membership, kind in reminders_due(today=today):
        key = reminder_key(membership, kind)
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
