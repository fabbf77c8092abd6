"""manage.py pe_setup_schedules: register the daily PE run (reminders, evidence audit) with django-q2.

Idempotent: an existing schedule (perhaps with a time changed by hand) is left alone.
"""

from django.core.management.base import BaseCommand

from knowledge.pe_tasks import DAILY_SCHEDULE_NAME, schedules_ensure


class Command(BaseCommand):
    help = "Register the daily permanent-education run (reminders, the yearly evidence-audit draw)."

    def handle(self, *args, **options):
        self.stdout.write(f"Schedule {DAILY_SCHEDULE_NAME}: {'created' if schedules_ensure() else 'already present'}.")
