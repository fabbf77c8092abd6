"""django-q2 entry points of the members app. Each is safe to run twice.

`memberships_daily` runs once a day (see `manage.py setup_schedules`).
"""

from django.utils import timezone

from members.services import daily, reminders
from members.models import Membership

DAILY_SCHEDULE_NAME = "members.memberships_daily"


def memberships_daily() -> dict[str, int]:
    """Resignations take effect, grace periods end, renewals fall due, reminders go out."""
    return daily.memberships_daily_run(today=timezone.localdate())


def membership_reminder_send(pk: int, kind: str) -> str:
    """Queue one reminder e-mail for a membership (at most once per occasion)."""
    membership = Membership.objects.filter(pk=pk).first()
    if membership is None:
        return "missing"
    email = reminders.membership_reminder_send(membership=membership, kind=kind)
    return "queued" if email is not None else "not-applicable"


def schedules_ensure() -> bool:
    """Register the daily run as a django-q2 schedule, once. Returns whether it was created."""
    from datetime import datetime, time, timedelta

    from django_q.models import Schedule

    # 03:30 Amsterdam time, after midnight so that "today" is the new day.
    first_run = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(3, 30)))
    _schedule, created = Schedule.objects.get_or_create(
        name=DAILY_SCHEDULE_NAME,
        defaults={
            "func": "members.tasks.memberships_daily",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": first_run,
        },
    )
    return created
