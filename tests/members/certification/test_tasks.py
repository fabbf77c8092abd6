"""Notices to the holder and the daily run's schedule."""

from datetime import date

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from members.services import certification as services
from members.tasks_certification import DAILY_SCHEDULE_NAME

from . import factories as f

pytestmark = pytest.mark.django_db


def test_suspension_notice_reaches_the_holder_in_their_language(mailoutbox, django_capture_on_commit_callbacks):
    certificate = f.issued_certificate()
    certificate.holder.language = "en"
    certificate.holder.save(update_fields=["language"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="Onderzoek.", until=date(2099, 1, 1))
    [message] = [m for m in mailoutbox if certificate.holder.email in m.to]
    assert certificate.number in message.subject and "suspended" in message.subject
    assert "not a final judgement" in message.body
    assert f"/verify/{certificate.number}/" in message.body


def test_setup_schedules_registers_the_certificate_run_once():
    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    schedule = Schedule.objects.get(name=DAILY_SCHEDULE_NAME)
    assert schedule.func == "members.tasks_certification.certificates_daily"
