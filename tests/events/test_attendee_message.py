"""Staff message all confirmed attendees of an event from the Wagtail admin, through a task
and the outbox: each attendee once, audited."""

from decimal import Decimal

import pytest
from wagtail.models import ModelLogEntry

from events import services
from events.models import AttendeeMessage
from events.tasks import attendee_message_deliver
from portal.exceptions import DomainError
from portal.models import OutboundEmail
from tests.events.helpers import event_page, member_user
from tests.events.test_admin import staff_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def attendees(event):
    confirmed = member_user(user__email="anna@example.nl")
    services.registration_create(event=event, user=confirmed, guest_name="Joost", guest_email="joost@example.nl")
    services.registration_create(event=event, user=confirmed)
    cancelled = member_user(user__email="carla@example.nl")
    services.registration_cancel(registration=services.registration_create(event=event, user=cancelled), actor=cancelled)
    return confirmed


def test_each_confirmed_attendee_gets_the_message_once(django_capture_on_commit_callbacks):
    event = event_page()
    attendees(event)
    staff = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        message = services.attendee_message_send(event=event, subject="Zaalwijziging", body="We zitten in zaal 2.", actor=staff)
    attendee_message_deliver(message.pk)  # a second run (a retry) queues nothing new

    mails = OutboundEmail.objects.filter(kind="events.attendee_message")
    assert sorted(m.to for m in mails) == ["anna@example.nl", "joost@example.nl"]
    assert all(m.subject == "Zaalwijziging" and "zaal 2" in m.body_text for m in mails)
    message.refresh_from_db()
    assert message.recipients == 2 and message.delivered_at
    [entry] = ModelLogEntry.objects.for_instance(message)
    assert entry.action == "events.message.sent" and entry.user == staff


def test_empty_message_or_no_attendees_is_refused():
    event = event_page()
    with pytest.raises(DomainError):
        services.attendee_message_send(event=event, subject="Hallo", body="Tekst", actor=None)
    attendees(event)
    with pytest.raises(DomainError):
        services.attendee_message_send(event=event, subject=" ", body="Tekst", actor=None)
    assert not AttendeeMessage.objects.exists()


def test_secretariat_writes_from_the_admin_and_editors_may_not(client, django_capture_on_commit_callbacks):
    event = event_page(member_price=Decimal("0"))
    attendees(event)
    staff_client(client, groups=["Secretariat"])
    form = client.get(f"/admin/events/registrations/message/?event={event.pk}")
    assert form.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/events/registrations/message/",
                               {"event": event.pk, "subject": "Parkeren", "body": "Parkeer bij P3."})

    assert response.status_code == 302
    assert OutboundEmail.objects.filter(kind="events.attendee_message").count() == 2
    client.logout()
    staff_client(client, groups=["Editors"])
    assert client.get("/admin/events/registrations/message/").status_code in (302, 403)
