"""manage.py setup_schedules: register the portal's recurring tasks with django-q2
(the members' daily run, the outbox sweep and retry run, and the retention run).

Idempotent: an existing schedule (perhaps with a time changed by hand) is left alone.
"""

from django.core.management.base import BaseCommand

from members.tasks import DAILY_SCHEDULE_NAME, schedules_ensure
from portal import tasks as portal_tasks


class Command(BaseCommand):
    help = (
        "Register the daily membership run (resignations, arrears, lapses, reminders), the hourly "
        "expiry of register assignment requests, the outbox sweep (e-mail whose task vanished) and the outbox retry run (e-mail whose "
        "send failed and is due again) as django-q2 schedules."
    )

    def handle(self, *args, **options):
        created = schedules_ensure()
        state = "created" if created else "already present"
        self.stdout.write(f"Schedule {DAILY_SCHEDULE_NAME}: {state}.")
        from members import tasks_certification

        state = "created" if tasks_certification.schedules_ensure() else "already present"
        self.stdout.write(f"Schedule {tasks_certification.DAILY_SCHEDULE_NAME}: {state}.")
        from members import tasks_register

        state = "created" if tasks_register.schedules_ensure() else "already present"
        self.stdout.write(f"Schedule {tasks_register.EXPIRE_SCHEDULE_NAME}: {state}.")
        state = "created" if portal_tasks.schedules_ensure() else "already present"
        self.stdout.write(
            f"Schedules {portal_tasks.OUTBOX_SWEEP_SCHEDULE_NAME}, {portal_tasks.OUTBOX_RETRY_SCHEDULE_NAME}: {state}."
        )
        state = "created" if portal_tasks.privacy_schedule_ensure() else "already present"
        self.stdout.write(f"Schedule {portal_tasks.PRIVACY_RETENTION_SCHEDULE_NAME}: {state}.")
