"""manage.py knowledge_setup_schedules: register the monthly news digest with django-q2.

Idempotent: an existing schedule (perhaps with a time changed by hand) is left alone.
"""

from django.core.management.base import BaseCommand

from knowledge.tasks import DIGEST_SCHEDULE_NAME, schedules_ensure


class Command(BaseCommand):
    help = "Register the monthly news digest (new news, norms and upcoming events to subscribers)."

    def handle(self, *args, **options):
        created = schedules_ensure()
        self.stdout.write(f"Schedule {DIGEST_SCHEDULE_NAME}: {'created' if created else 'already present'}.")
