"""django-q2 entry points of permanent education. Each is safe to run twice.

`pe_daily` runs once a day (`manage.py pe_setup_schedules`, and `seed_demo`).
"""

from django.utils import timezone

from knowledge import pe_services

DAILY_SCHEDULE_NAME = "knowledge.pe_daily"


def pe_daily() -> dict[str, int]:
    """Reminders to members still short; the previous year's evidence-audit draw (once)."""
    return pe_services.pe_daily_run(today=timezone.localdate())


def schedules_ensure() -> bool:
    """Register the daily run as a django-q2 schedule, once. Returns whether it was created."""
    from datetime import datetime, time, timedelta

    from django_q.models import Schedule

    # 04:00 Amsterdam time, after the members' run.
    first_run = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(4, 0)))
    _schedule, created = Schedule.objects.get_or_create(
        name=DAILY_SCHEDULE_NAME,
        defaults={"func": "knowledge.pe_tasks.pe_daily", "schedule_type": Schedule.DAILY, "repeats": -1,
                  "next_run": first_run},
    )
    return created
