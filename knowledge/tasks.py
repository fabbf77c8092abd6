"""django-q2 entry points of the knowledge app. Each is safe to run twice."""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone
from django_q.models import Schedule

from knowledge import digest

DIGEST_SCHEDULE_NAME = "knowledge.digest_monthly"


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


def schedules_ensure() -> bool:
    """Register the monthly digest as a django-q2 schedule (the first of each month), once."""
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
    return created
