"""django-q2 entry points of the knowledge app. Each is safe to run twice."""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone
from django_q.models import Schedule

from knowledge import digest

DIGEST_SCHEDULE_NAME = "knowledge.digest_monthly"
PUBLISH_SCHEDULE_NAME = "knowledge.pages_publish_scheduled"
PUBLISH_EVERY_MINUTES = 15


def digest_deliver(pk: int) -> int:
    """Queue one digest edition for its readers; a second run queues nobody twice."""
    Digest = apps.get_model("knowledge", "Digest")
    edition = Digest.objects.filter(pk=pk).first()
    if edition is None:
        return 0
    return digest.digest_deliver(digest=edition)


def digest_monthly() -> str:
    """Create (once) and send this month's digest edition."""
    return digest.digest_monthly().key


def pages_publish_scheduled() -> None:
    """Publish the pages whose time has come (a norm version on its effective date) and
    unpublish expired ones: Wagtail's `publish_scheduled`, safe to run at any time."""
    from django.core.management import call_command

    call_command("publish_scheduled")


def schedules_ensure() -> bool:
    """Register the monthly digest (the first of each month) and the scheduled publication of
    pages (every 15 minutes) as django-q2 schedules, once. Returns whether one was created."""
    _publish, publish_created = Schedule.objects.get_or_create(
        name=PUBLISH_SCHEDULE_NAME,
        defaults={
            "func": "knowledge.tasks.pages_publish_scheduled",
            "schedule_type": Schedule.MINUTES,
            "minutes": PUBLISH_EVERY_MINUTES,
            "repeats": -1,
            "next_run": timezone.now() + timedelta(minutes=PUBLISH_EVERY_MINUTES),
        },
    )
    now = timezone.localtime()
    first_of_next_month = (now.replace(day=28) + timedelta(days=4)).replace(day=1, hour=8, minute=0, second=0, microsecond=0)
    _schedule, created = Schedule.objects.get_or_create(
        name=DIGEST_SCHEDULE_NAME,
        defaults={
            "func": "knowledge.tasks.digest_monthly",
            "schedule_type": Schedule.MONTHLY,
            "repeats": -1,
            "next_run": first_of_next_month,
        },
    )
    return created or publish_created
