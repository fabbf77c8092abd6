"""manage.py setup_schedules: register the members' recurring tasks with django-q2.

Idempotent: an existing schedule (perhaps with a time changed by hand) is left alone.
"""

from django.core.management.base import BaseCommand

from members.tasks import DAILY_SCHEDULE_NAME, schedules_ensure


class Command(BaseCommand):
    help = "Register the daily membership run (resignations, arrears, lapses, reminders) as a django-q2 schedule."

    def handle(self, *args, **options):
        created = schedules_ensure()
        state = "created" if created else "already present"
        self.stdout.write(f"Schedule {DAILY_SCHEDULE_NAME}: {state}.")
        from members import tasks_certification

        state = "created" if tasks_certification.schedules_ensure() else "already present"
        self.stdout.write(f"Schedule {tasks_certification.DAILY_SCHEDULE_NAME}: {state}.")
