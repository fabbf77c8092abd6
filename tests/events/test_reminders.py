"""The reminder the day before and the materials link after the event, each sent once."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from events import services
from events.models import Registration
from portal.models import OutboundEmail
from tests.events.helpers import event_page, member_user

pytestmark = pytest.mark.django_db


def test_reminder_goes_out_once_the_day_before(django_capture_on_commit_callbacks):
    event = event_page(start=timezone.now() + timedelta(hours=30))
    registration = services.registration_create(event=event, user=member_user())
    assert services.registration_reminders_send(now=timezone.now())["reminders_sent"] == 0  # not yet: 30 hours ahead
    later = timezone.now() + timedelta(hours=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_reminders_send(now=later)["reminders_sent"] == 1
    assert services.registration_reminders_send(now=later + timedelta(hours=1))["reminders_sent"] == 0
    email = OutboundEmail.objects.get(kind="events.reminder")
    assert registration.user.email in email.to and event.title in email.subject


def test_cancelled_registration_gets_no_reminder():
    event = event_page(start=timezone.now() + timedelta(hours=10))
    registration = services.registration_create(event=event, user=member_user())
    services.registration_cancel(registration=registration, actor=registration.user)
    assert services.registration_reminders_send()["reminders_sent"] == 0


def test_materials_link_goes_out_once_after_the_event(django_capture_on_commit_callbacks):
    document = get_document_model().objects.create(title="Slides", file=ContentFile(b"%PDF-1.4", name="s.pdf"))
    event = event_page(start=timezone.now() + timedelta(hours=1), materials=[("document", document)])
    registration = services.registration_create(event=event, user=member_user())
    after = event.end + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_reminders_send(now=after)["materials_sent"] == 1
    assert services.registration_reminders_send(now=after)["materials_sent"] == 0
    assert Registration.objects.get(pk=registration.pk).materials_sent_at is not None
    assert OutboundEmail.objects.filter(kind="events.materials").count() == 1


def test_no_materials_mail_without_materials():
    event = event_page(start=timezone.now() + timedelta(hours=1))
    services.registration_create(event=event, user=member_user())
    assert services.registration_reminders_send(now=event.end + timedelta(hours=1))["materials_sent"] == 0
