"""django-q2 entry points of the certification. Each is safe to run twice.

`certificates_daily` runs once a day (see `manage.py setup_schedules`).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Certificate, CertificationApplication

DAILY_SCHEDULE_NAME = "members.certificates_daily"

# What a notice is about: the application (submitted, decided) or the certificate.
APPLICATION_NOTICES = {"submitted", "decided"}
CERTIFICATE_NOTICES = {"suspended", "reinstated", "withdrawn", "expired", "renewed"}


def certificates_daily() -> dict[str, int]:
    """Certificates whose validity ended expire."""
    from members.services.certification import certificates_daily_run

    return certificates_daily_run(today=timezone.localdate())


def certification_notice_send(kind: str, pk: int, entry_pk: int) -> str:
    """Queue the e-mail that tells an applicant or holder what happened; once per audit entry."""
    from wagtail.models import Site

    from portal.mail import email_render_and_queue
    from portal.models import AssociationSettings

    if kind in APPLICATION_NOTICES:
        subject = CertificationApplication.objects.select_related("applicant", "level", "scheme").filter(pk=pk).first()
        person = subject.applicant if subject else None
    elif kind in CERTIFICATE_NOTICES:
        subject = Certificate.objects.select_related("holder", "level", "scheme").filter(pk=pk).first()
        person = subject.holder if subject else None
    else:
        raise ValueError(f"Unknown certification notice {kind!r}")
    if subject is None:
        return "missing"
    site = Site.objects.filter(is_default_site=True).first()
    language = person.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "kind": kind,
            "user": person,
            "application": subject if kind in APPLICATION_NOTICES else None,
            "certificate": subject if kind in CERTIFICATE_NOTICES else None,
            "association": AssociationSettings.for_site(site) if site else None,
            "page_url": f"{settings.BASE_URL}{reverse('members:certification')}",
            "verify_url": (
                f"{settings.BASE_URL}{reverse('verify_certificate', args=[subject.number])}"
                if kind in CERTIFICATE_NOTICES else ""
            ),
        }
    email_render_and_queue(
        to=[person.email],
        template="members/email/certification_notice",
        context=context,
        language=language,
        kind=f"members.certification.{kind}",
        key=f"certification-notice:{entry_pk}",
    )
    return "queued"


def schedules_ensure() -> bool:
    """Register the daily certificate run as a django-q2 schedule, once. Returns whether it was created."""
    from datetime import datetime, time, timedelta

    from django_q.models import Schedule

    # 03:45 Amsterdam time, after the membership run.
    first_run = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(3, 45)))
    _schedule, created = Schedule.objects.get_or_create(
        name=DAILY_SCHEDULE_NAME,
        defaults={
            "func": "members.tasks_certification.certificates_daily",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": first_run,
        },
    )
    return created
