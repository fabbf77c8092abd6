"""django-q2 entry points of the public register. Each is safe to run twice.

`assignment_requests_expire` runs every hour (see `manage.py setup_schedules`).
"""

from members.services.register_requests import assignment_requests_expire as _expire

EXPIRE_SCHEDULE_NAME = "members.assignment_requests_expire"


def assignment_requests_expire() -> int:
    """Close the assignment requests whose time is up."""
    return _expire()


def schedules_ensure() -> bool:
    """Register the hourly expiry as a django-q2 schedule, once. Returns whether it was created."""
    from django_q.models import Schedule

    _schedule, created = Schedule.objects.get_or_create(
        name=EXPIRE_SCHEDULE_NAME,
        defaults={
            "func": "members.tasks_register.assignment_requests_expire",
            "schedule_type": Schedule.HOURLY,
            "repeats": -1,
        },
    )
    return created
