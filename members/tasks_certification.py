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
    """Certificates whose validity ended expire; holders whose validity ends in six, three or
    one month(s) get their recertification reminder (each once)."""
    from members.services.certification import certificates_daily_run
    from members.services.certification_cases import certificate_reminders_run

    today = timezone.localdate()
    counts = certificates_daily_run(today=today)
    counts["reminded"] = certificate_reminders_run(today=today)
    return counts


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


# Notices about objections, complaints and recertification reminders: who is told, per kind.
CASE_NOTICES = {"objection_filed", "objection_decided", "complaint_received", "complaint_decided",
                "recertification_reminder"}


def case_notice_send(kind: str, pk: int, entry_pk: int) -> str:
    """Queue the e-mails that tell the parties of an objection or complaint, or remind a holder.

    Objection: the applicant. Complaint: the complainant on receipt; the complainant
    and the holder (when a certificate was named) on the outcome. Once per audit
    entry and recipient (the outbox key), so running it twice sends nothing twice.
    """
    from wagtail.models import Site

    from members.models import CertificateReminder, Complaint, Objection
    from portal.mail import email_render_and_queue
    from portal.models import AssociationSettings

    if kind not in CASE_NOTICES:
        raise ValueError(f"Unknown case notice {kind!r}")
    site = Site.objects.filter(is_default_site=True).first()
    association = AssociationSettings.for_site(site) if site else None
    # (e-mail address, language, role, greeting name)
    recipients = []
    context = {"kind": kind, "association": association}
    if kind.startswith("objection"):
        subject = Objection.objects.select_related("application__applicant", "application__level").filter(pk=pk).first()
        if subject:
            applicant = subject.application.applicant
            context.update(objection=subject, application=subject.application)
            recipients.append((applicant.email, applicant.language, "applicant", applicant.get_short_name()))
            context["page_url_name"] = ("members:certification_application", [subject.application_id])
    elif kind.startswith("complaint"):
        subject = Complaint.objects.select_related("certificate__holder").filter(pk=pk).first()
        if subject:
            context.update(complaint=subject)
            recipients.append((subject.complainant_email, subject.language, "complainant", subject.complainant_name))
            if kind == "complaint_decided" and subject.certificate_id:
                holder = subject.certificate.holder
                recipients.append((holder.email, holder.language, "holder", holder.get_short_name()))
    else:
        subject = CertificateReminder.objects.select_related("certificate__holder", "certificate__level").filter(pk=pk).first()
        if subject:
            holder = subject.certificate.holder
            context.update(reminder=subject, certificate=subject.certificate)
            recipients.append((holder.email, holder.language, "holder", holder.get_short_name()))
            context["page_url_name"] = ("members:certification", [])
    if subject is None:
        return "missing"
    for email, language, role, name in recipients:
        language = language or settings.LANGUAGE_CODE
        with translation.override(language):
            url_name, args = context.get("page_url_name") or ("members:certification", [])
            page_url = f"{settings.BASE_URL}{reverse(url_name, args=args)}" if role != "complainant" else ""
            email_render_and_queue(
                to=[email],
                template="members/email/case_notice",
                context={**context, "role": role, "name": name, "page_url": page_url},
                language=language,
                kind=f"members.certification.{kind}",
                key=f"case-notice:{entry_pk}:{role}",
            )
    return "queued"
