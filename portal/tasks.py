"""django-q2 entry points of the portal. Each is safe to run twice."""

from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from portal import mail
from portal.models import OutboundEmail


def email_send(pk: int) -> str:
    """Send one queued e-mail. A second run (django-q2 retries, a duplicate) sends nothing."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=pk).first()
        if email is None:
            return "missing"
        if email.status == OutboundEmail.Status.SENT:
            return "already-sent"
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=email.from_email,
            to=email.recipients,
            reply_to=[address.strip() for address in email.reply_to.split(",") if address.strip()] or None,
            headers=email.headers or None,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as error:  # noqa: BLE001 - recorded, then raised outside the transaction
            failure = error
            email.status = OutboundEmail.Status.FAILED
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.save(update_fields=["status", "attempts", "last_error"])
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
            return "sent"
    # Committed the attempt; raising makes django-q2 try again (up to max_attempts).
    raise failure


OUTBOX_SWEEP_SCHEDULE_NAME = "portal.outbox_sweep"
OUTBOX_SWEEP_MINUTES = 5


def outbox_sweep() -> dict[str, int]:
    """Queue again the e-mail whose task vanished (see portal.mail.outbox_sweep)."""
    return mail.outbox_sweep()


def schedules_ensure() -> bool:
    """Register the outbox sweep as a django-q2 schedule, once. Returns whether it was created."""
    _schedule, created = Schedule.objects.get_or_create(
        name=OUTBOX_SWEEP_SCHEDULE_NAME,
        defaults={
            "func": "portal.tasks.outbox_sweep",
            "schedule_type": Schedule.MINUTES,
            "minutes": OUTBOX_SWEEP_MINUTES,
            "repeats": -1,
            "next_run": timezone.now() + timedelta(minutes=OUTBOX_SWEEP_MINUTES),
        },
    )
    return created


PRIVACY_RETENTION_SCHEDULE_NAME = "portal.privacy_retention"


def privacy_retention() -> dict:
    """The daily retention run (portal/privacy.py): each app deletes what outlived its period.
    Safe to repeat: what is gone is not found again."""
    from portal import privacy

    return privacy.retention_apply()


def privacy_schedule_ensure() -> bool:
    """Register the daily retention run (at 03:30), once. Returns whether it was created."""
    now = timezone.localtime()
    next_run = now.replace(hour=3, minute=30, second=0, microsecond=0)
    if next_run <= now:
        next_run += timedelta(days=1)
    _schedule, created = Schedule.objects.get_or_create(
        name=PRIVACY_RETENTION_SCHEDULE_NAME,
        defaults={
            "func": "portal.tasks.privacy_retention",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": next_run,
        },
    )
    return created
