"""django-q2 entry points of the portal. Each is safe to run twice."""

from datetime import timedelta

from django.utils import timezone
from django_q.models import Schedule

from portal import mail


def email_send(pk: int) -> str:
    """Send one queued e-mail (portal.mail.email_deliver). A second run sends nothing;
    a failed send is recorded and planned again, not raised, so django-q2 does not retry it too."""
    return mail.email_deliver(pk=pk)


OUTBOX_SWEEP_SCHEDULE_NAME = "portal.outbox_sweep"
OUTBOX_SWEEP_MINUTES = 5


def outbox_sweep() -> dict[str, int]:
    """Queue again the e-mail whose task vanished (see portal.mail.outbox_sweep)."""
    return mail.outbox_sweep()


OUTBOX_RETRY_SCHEDULE_NAME = "portal.outbox_retry"
OUTBOX_RETRY_MINUTES = 1


def outbox_retry() -> int:
    """Queue again the e-mail whose planned new attempt is due (see portal.mail.outbox_retry_due)."""
    return mail.outbox_retry_due()


def schedules_ensure() -> bool:
    """Register the outbox sweep and the outbox retry run as django-q2 schedules, once.
    Returns whether one was created."""
    created = False
    for name, func, minutes in (
        (OUTBOX_SWEEP_SCHEDULE_NAME, "portal.tasks.outbox_sweep", OUTBOX_SWEEP_MINUTES),
        (OUTBOX_RETRY_SCHEDULE_NAME, "portal.tasks.outbox_retry", OUTBOX_RETRY_MINUTES),
    ):
        _schedule, was_created = Schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                "repeats": -1,
                "next_run": timezone.now() + timedelta(minutes=minutes),
            },
        )
        created = created or was_created
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
