"""manage.py events_setup_schedules: register the events' recurring task with django-q2.

Idempotent: an existing schedule (perhaps with an interval changed by hand) is left alone.
"""

from django.core.management.base import BaseCommand

from events.tasks import HOUSEKEEPING_SCHEDULE_NAME, schedules_ensure


class Command(BaseCommand):
    help = "Register the events housekeeping run (expiring waiting-list offers, releasing unpaid seats) every 10 minutes."

    def handle(self, *args, **options):
        created = schedules_ensure()
        self.stdout.write(f"Schedule {HOUSEKEEPING_SCHEDULE_NAME}: {'created' if created else 'already present'}.")
