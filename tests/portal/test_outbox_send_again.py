"""Reports › Outbox: once the cause is mended, the secretariat sends a failed e-mail again,
one message or every failed message of a kind; it then goes out once, with a fresh series
of attempts, and the outbox's history says who sent it again."""

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from portal.audit import entry_message
from portal.exceptions import DomainError
from portal.mail import email_deliver, email_send_again, email_queue
from portal.models import OutboundEmail
from tests.factories import UserFactory, staff_signed_in
from tests.portal.test_mail import a_message

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/outbox/"


def failed_message(kind="test", attempts=5, error="SMTPServerDisconnected: gone") -> OutboundEmail:
    email = email_queue(message=a_message(), kind=kind)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.FAILED, attempts=attempts, last_error=error, queued_at=timezone.now()
    )
    email.refresh_from_db()
    return email


def test_secretariat_sends_a_failed_message_again_and_it_goes_out_once(client, django_capture_on_commit_callbacks):
    secretary = staff_signed_in(client, "Secretariat")
    email = failed_message()

    page = client.get(f"{OUTBOX}inspect/{email.pk}/").content.decode()
    assert f"{OUTBOX}send-again/{email.pk}/" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{OUTBOX}send-again/{email.pk}/")

    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == (OutboundEmail.Status.QUEUED, 0, None)
    assert len(callbacks) == 1  # handed to the task queue after the commit
    assert email_deliver(pk=email.pk) == "sent"
    assert email_deliver(pk=email.pk) == "already-sent"
    assert len(mail.outbox) == 1
    entry = ModelLogEntry.objects.get(action="portal.email.sent_again")
    assert entry.user == secretary
    assert "5" in entry_message(entry)
    assert entry_message(entry) in client.get(f"{OUTBOX}inspect/{email.pk}/").content.decode()


@pytest.mark.parametrize("status", [OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENT])
def test_a_message_that_did_not_fail_is_not_sent_again(client, status):
    staff_signed_in(client, "Secretariat")
    email = failed_message()
    OutboundEmail.objects.filter(pk=email.pk).update(status=status)

    assert f"send-again/{email.pk}/" not in client.get(f"{OUTBOX}inspect/{email.pk}/").content.decode()
    response = client.post(f"{OUTBOX}send-again/{email.pk}/")

    assert response.status_code == 200
    assert "niet mislukt" in response.content.decode()
    email.refresh_from_db()
    assert email.status == status
    assert not ModelLogEntry.objects.filter(action="portal.email.sent_again").exists()


def test_the_service_refuses_twice_in_a_row(django_capture_on_commit_callbacks):
    email = failed_message()
    actor = UserFactory()
    email_send_again(pk=email.pk, actor=actor)

    with pytest.raises(DomainError):
        email_send_again(pk=email.pk, actor=actor)
    assert ModelLogEntry.objects.filter(action="portal.email.sent_again").count() == 1


def test_every_failed_message_of_one_kind_is_sent_again(client, django_capture_on_commit_callbacks):
    staff_signed_in(client, "Secretariat")
    reminders = [failed_message(kind="dues-reminder") for _ in range(3)]
    other = failed_message(kind="event-ticket")
    sent = email_queue(message=a_message(), kind="dues-reminder")
    OutboundEmail.objects.filter(pk=sent.pk).update(status=OutboundEmail.Status.SENT)

    confirm = client.get(f"{OUTBOX}send-failed-again/?kind=dues-reminder").content.decode()
    assert "3" in confirm
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"{OUTBOX}send-failed-again/?kind=dues-reminder")

    assert len(callbacks) == 3
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert {statuses[email.pk] for email in reminders} == {OutboundEmail.Status.QUEUED}
    assert statuses[other.pk] == OutboundEmail.Status.FAILED
    assert statuses[sent.pk] == OutboundEmail.Status.SENT


def test_without_a_kind_every_failed_message_is_sent_again(client, django_capture_on_commit_callbacks):
    staff_signed_in(client, "Secretariat")
    failed_message(kind="a")
    failed_message(kind="b")

    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"{OUTBOX}send-failed-again/")

    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).exists()


@pytest.mark.parametrize("group", ["Editors", "Assessors", None])
def test_only_the_secretariat_sends_again(client, group):
    staff_signed_in(client, *([group] if group else []))
    email = failed_message()

    assert client.post(f"{OUTBOX}send-again/{email.pk}/").status_code in (302, 403)
    assert client.post(f"{OUTBOX}send-failed-again/").status_code in (302, 403)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED


def test_listing_offers_sending_failed_messages_again_of_the_kind_filtered_on(client):
    staff_signed_in(client, "Secretariat")
    secretariat = client
    failed_message(kind="dues-reminder")

    assert "send-failed-again/\"" in secretariat.get(OUTBOX).content.decode()
    assert "send-failed-again/?kind=dues-reminder" in secretariat.get(f"{OUTBOX}?kind=dues-reminder").content.decode()
