"""A send that fails is tried again with growing waits, and marked failed (for staff to
see in the outbox) after the last attempt or at once when the server refuses it for good."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django_q.models import Schedule
from wagtail.models import ModelLogEntry

from portal import tasks
from portal.audit import entry_message
from portal.mail import email_deliver, email_error_is_permanent, email_queue, outbox_retry_due, outbox_sweep
from portal.models import OutboundEmail
from tests.portal.test_mail import a_message

pytestmark = pytest.mark.django_db

WAITS = [1, 5, 15, 60, 240]


class FailingBackend:
    """A mail server that fails `failures` times with `error`, then takes every message."""

    failures = 0
    error: Exception = ConnectionRefusedError("mail server down")
    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FailingBackend.calls += 1
        if FailingBackend.calls <= FailingBackend.failures:
            raise FailingBackend.error
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_mail_retry.FailingBackend"
    settings.EMAIL_RETRY_MINUTES = WAITS
    settings.EMAIL_RETRY_JITTER = 0.2

    def arrange(failures, error=None):
        FailingBackend.failures, FailingBackend.calls = failures, 0
        FailingBackend.error = error or ConnectionRefusedError("mail server down")

    yield arrange
    arrange(0)


def queued_message() -> OutboundEmail:
    return email_queue(message=a_message(), kind="test")  # pytest-django never runs on_commit here


def run_until_done(email, *, now, django_capture_on_commit_callbacks):
    """Deliver at `now`, then at each planned attempt as the retry run hands it over. Returns
    the waits between attempts and the last result."""
    waits, result = [], email_deliver(pk=email.pk, now=now)
    while result == "retry":
        email.refresh_from_db()
        waits.append(email.next_attempt_at - now)
        assert outbox_retry_due(now=email.next_attempt_at - timedelta(seconds=1)) == 0
        now = email.next_attempt_at
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert outbox_retry_due(now=now) == 1
        assert len(callbacks) == 1
        result = email_deliver(pk=email.pk, now=now)
    return waits, result


@pytest.mark.parametrize("failures", [1, 3, 5])
def test_a_message_is_delivered_once_after_failures_with_growing_waits(
    failing, failures, django_capture_on_commit_callbacks
):
    failing(failures)
    email = queued_message()

    waits, result = run_until_done(email, now=timezone.now(), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    email.refresh_from_db()
    assert result == "sent"
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == failures + 1
    assert email.last_error == "" and email.next_attempt_at is None
    assert len(mail.outbox) == 1
    assert len(waits) == failures
    for wait, minutes in zip(waits, WAITS, strict=False):
        assert timedelta(minutes=minutes) <= wait <= timedelta(minutes=minutes * 1.2)
    assert waits == sorted(waits)


def test_after_the_last_attempt_the_message_is_marked_failed_and_not_tried_again(
    failing, django_capture_on_commit_callbacks
):
    failing(len(WAITS) + 1)
    email = queued_message()

    waits, result = run_until_done(email, now=timezone.now(), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    email.refresh_from_db()
    assert result == "failed"
    assert len(waits) == len(WAITS)
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == len(WAITS) + 1
    assert "mail server down" in email.last_error
    assert email.next_attempt_at is None
    assert outbox_retry_due(now=timezone.now() + timedelta(days=1)) == 0
    assert email_deliver(pk=email.pk, now=timezone.now() + timedelta(days=1)) == "failed"
    assert FailingBackend.calls == len(WAITS) + 1
    entry = ModelLogEntry.objects.for_instance(email).get()
    with translation.override("en"):
        assert entry_message(entry) == f"Marked failed: sending failed {len(WAITS) + 1} times."


def test_every_recipient_refused_for_good_fails_at_once(failing):
    failing(1, smtplib.SMTPRecipientsRefused({"member@example.org": (550, b"5.1.1 mailbox unavailable")}))
    email = queued_message()

    assert email_deliver(pk=email.pk, now=timezone.now()) == "failed"

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert "mailbox unavailable" in email.last_error
    assert email.next_attempt_at is None
    assert outbox_retry_due(now=timezone.now() + timedelta(days=1)) == 0
    assert email_deliver(pk=email.pk) == "failed"
    assert FailingBackend.calls == 1
    with translation.override("en"):
        assert "refused it for good" in entry_message(ModelLogEntry.objects.for_instance(email).get())


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no"), "b@example.org": (450, b"greylisted")}), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"try again later")}), False),
        (smtplib.SMTPDataError(554, b"message refused"), True),
        (smtplib.SMTPDataError(452, b"mailbox full for now"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError("refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_only_a_refusal_for_good_is_permanent(error, permanent):
    assert email_error_is_permanent(error) is permanent


def test_the_retry_run_takes_only_messages_whose_attempt_is_due(django_capture_on_commit_callbacks):
    now = timezone.now()
    due = queued_message()
    later = queued_message()
    new = queued_message()
    sent = queued_message()
    OutboundEmail.objects.filter(pk=due.pk).update(next_attempt_at=now - timedelta(seconds=1), attempts=1)
    OutboundEmail.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(minutes=1), attempts=1)
    OutboundEmail.objects.filter(pk=sent.pk).update(next_attempt_at=now - timedelta(minutes=1), status=OutboundEmail.Status.SENT)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert outbox_retry_due(now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry_due(now=now) == 0  # handed over once

    assert len(callbacks) == 1
    due.refresh_from_db()
    later.refresh_from_db()
    new.refresh_from_db()
    assert due.status == OutboundEmail.Status.SENT
    assert later.status == OutboundEmail.Status.QUEUED and later.next_attempt_at is not None
    assert new.status == OutboundEmail.Status.QUEUED and new.attempts == 0
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_a_message_waiting_for_its_next_attempt_alone(django_capture_on_commit_callbacks):
    now = timezone.now()
    email = queued_message()
    OutboundEmail.objects.filter(pk=email.pk).update(
        queued_at=now - timedelta(hours=2), next_attempt_at=now + timedelta(hours=1), attempts=4
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = outbox_sweep(now=now)

    assert counts == {"requeued": 0, "failed": 0, "skipped": 0}
    assert callbacks == []


def test_a_message_handed_over_by_the_retry_run_is_watched_by_the_sweep(django_capture_on_commit_callbacks):
    now = timezone.now()
    email = queued_message()
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=now, attempts=1)
    with django_capture_on_commit_callbacks(execute=False):
        outbox_retry_due(now=now)  # its task is lost

    with django_capture_on_commit_callbacks(execute=True):
        counts = outbox_sweep(now=now + timedelta(minutes=20))

    email.refresh_from_db()
    assert counts["requeued"] == 1
    assert email.status == OutboundEmail.Status.SENT


def test_the_send_task_does_not_raise_on_a_failure(failing):
    failing(1)
    email = queued_message()

    assert tasks.email_send(email.pk) == "retry"


def test_setup_schedules_registers_the_retry_run_every_minute():
    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    call_command("setup_schedules", stdout=open("/dev/null", "w"))

    schedule = Schedule.objects.get(name=tasks.OUTBOX_RETRY_SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == ("portal.tasks.outbox_retry", Schedule.MINUTES, 1)
    assert Schedule.objects.filter(name=tasks.OUTBOX_RETRY_SCHEDULE_NAME).count() == 1
