"""The outbox: mail is stored in the request and sent once by a task after commit;
mail whose task vanished is queued again by the sweep, and failures show in the admin."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from portal import tasks
from portal.audit import entry_message
from portal.mail import (
    OUTBOX_MAX_REQUEUES,
    OUTBOX_STUCK_AFTER,
    email_deliver,
    email_queue,
    email_render_and_queue,
    outbox_retry_due,
    outbox_sweep,
)
from portal.models import OutboundEmail
from portal.tasks import email_send
from tests.factories import UserFactory, totp_authenticator, verified_email

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def a_message(to="member@example.org", subject="Your dues"):
    message = EmailMultiAlternatives(subject=subject, body="Please pay.", to=[to])
    message.attach_alternative("<p>Please pay.</p>", "text/html")
    return message


@pytest.fixture
def test_templates(settings):
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = [engine]


class FlakyBackend:
    """An e-mail backend whose server is down until `up` is set."""

    up = False

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if not FlakyBackend.up:
            raise ConnectionRefusedError("mail server down")
        mail.outbox.extend(messages)
        return len(messages)


def test_queue_stores_one_row_and_sends_nothing_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_queue(message=a_message(), kind="test")

    assert OutboundEmail.objects.count() == 1
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_queued_mail_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(message=a_message(), kind="test")

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.sent_at is not None
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert mail.outbox[0].subject == "Your dues"
    assert mail.outbox[0].alternatives[0].content == "<p>Please pay.</p>"


def test_running_the_send_task_twice_sends_one_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(message=a_message(), kind="test")

    assert email_send(email.pk) == "sent"
    assert email_send(email.pk) == "already-sent"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_failed_send_records_the_error_and_plans_a_new_attempt(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.FlakyBackend"
    FlakyBackend.up = False
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(message=a_message(), kind="test")
    now = timezone.now()

    assert email_deliver(pk=email.pk, now=now) == "retry"

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.sent_at is None
    assert email.attempts == 1
    assert "mail server down" in email.last_error
    assert now + timedelta(minutes=1) <= email.next_attempt_at <= now + timedelta(minutes=1.2)


def test_a_task_arriving_before_the_planned_attempt_sends_nothing(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.FlakyBackend"
    FlakyBackend.up = False
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(message=a_message(), kind="test")
    now = timezone.now()
    email_deliver(pk=email.pk, now=now)

    FlakyBackend.up = True
    try:
        assert email_deliver(pk=email.pk, now=now + timedelta(seconds=30)) == "not-due"
        assert mail.outbox == []
        assert email_deliver(pk=email.pk, now=now + timedelta(minutes=2)) == "sent"
    finally:
        FlakyBackend.up = False

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    assert email.last_error == ""
    assert email.next_attempt_at is None
    assert len(mail.outbox) == 1


def test_a_key_queues_an_occasion_only_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = email_queue(message=a_message(), kind="dues", key="dues-reminder:42:2027-01-01")
        second = email_queue(message=a_message(subject="Again"), kind="dues", key="dues-reminder:42:2027-01-01")

    assert second.pk == first.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_html_only_message_keeps_a_plain_text_part(django_capture_on_commit_callbacks):
    message = EmailMessage(subject="Hi", body="<p>Hello <b>you</b></p>", to=["member@example.org"])
    message.content_subtype = "html"

    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(message=message, kind="test")

    assert email.body_text == "Hello you"
    assert email.body_html == "<p>Hello <b>you</b></p>"


@pytest.mark.parametrize(("language", "word"), [("nl", "Wachtwoord"), ("en", "Password")])
def test_render_and_queue_uses_the_requested_language(
    test_templates, django_capture_on_commit_callbacks, language, word
):
    other = "en" if language == "nl" else "nl"
    with translation.override(other), django_capture_on_commit_callbacks(execute=True):
        email_render_and_queue(
            to=["member@example.org"],
            template="tests/email/greeting",
            context={"name": "Jan"},
            language=language,
            kind="test",
        )

    assert mail.outbox[0].subject == f"{word} Jan"
    assert mail.outbox[0].body.strip() == f"{word}: Jan"


def test_render_and_queue_does_not_html_escape_plain_text(test_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_render_and_queue(
            to=["member@example.org"],
            template="tests/email/greeting",
            context={"name": "Smit & Zonen <BV>"},
            language="en",
            kind="test",
        )

    assert email.body_text.strip() == "Password: Smit & Zonen <BV>"
    assert email.body_html == ""


# --- the outbox sweep ------------------------------------------------------------------


def a_lost_message(*, minutes_ago: int = 20, **changes) -> OutboundEmail:
    """A message whose task never ran (its on-commit callback is dropped), queued long ago."""

    email = email_queue(message=a_message(), kind="test")  # pytest-django never runs on_commit here
    OutboundEmail.objects.filter(pk=email.pk).update(
        queued_at=timezone.now() - timedelta(minutes=minutes_ago), **changes
    )
    email.refresh_from_db()
    return email


def test_a_message_whose_task_vanished_is_queued_again_and_sent_once(django_capture_on_commit_callbacks):
    email = a_lost_message()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        counts = outbox_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        again = outbox_sweep()

    email.refresh_from_db()
    assert counts["requeued"] == 1
    assert again["requeued"] == 0
    assert email.status == OutboundEmail.Status.SENT
    assert email.requeues == 1
    assert len(mail.outbox) == 1


def test_requeueing_writes_an_audit_entry_read_in_the_readers_language(django_capture_on_commit_callbacks):
    email = a_lost_message(minutes_ago=30)

    with django_capture_on_commit_callbacks(execute=False):
        outbox_sweep()

    entry = ModelLogEntry.objects.for_instance(email).get()
    assert entry.action == "portal.email.requeued"
    with translation.override("en"):
        assert entry_message(entry) == "Queued again after 30 minutes without a task (time 1)."
    with translation.override("nl"):
        assert "30 minuten" in entry_message(entry)


def test_a_task_that_was_only_late_sends_nothing_twice(django_capture_on_commit_callbacks):
    email = a_lost_message()
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()

    assert email_send(email.pk) == "already-sent"  # the original task, arriving after all
    assert len(mail.outbox) == 1


def test_a_recently_queued_message_is_left_alone(django_capture_on_commit_callbacks):
    email = a_lost_message(minutes_ago=int(OUTBOX_STUCK_AFTER.total_seconds() // 60) - 1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = outbox_sweep()

    assert counts["requeued"] == 0
    assert callbacks == []
    email.refresh_from_db()
    assert email.requeues == 0


@pytest.mark.parametrize("status", [OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED])
def test_sent_and_failed_messages_are_never_queued_again(status, django_capture_on_commit_callbacks):
    a_lost_message(status=status)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = outbox_sweep()

    assert counts == {"requeued": 0, "failed": 0, "skipped": 0}
    assert callbacks == []


def test_the_sweep_gives_up_after_the_last_requeue_and_marks_the_message_failed(
    django_capture_on_commit_callbacks,
):
    email = a_lost_message(requeues=OUTBOX_MAX_REQUEUES)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = outbox_sweep()

    email.refresh_from_db()
    assert counts["failed"] == 1
    assert callbacks == []
    assert email.status == OutboundEmail.Status.FAILED
    assert "No task sent it" in email.last_error
    assert ModelLogEntry.objects.for_instance(email).get().action == "portal.email.given_up"


def test_the_scheduled_task_runs_the_sweep(django_capture_on_commit_callbacks):
    a_lost_message()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_sweep()["requeued"] == 1


def test_setup_schedules_registers_the_outbox_sweep_once():
    from django_q.models import Schedule

    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    call_command("setup_schedules", stdout=open("/dev/null", "w"))

    schedule = Schedule.objects.get(name=tasks.OUTBOX_SWEEP_SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "portal.tasks.outbox_sweep",
        Schedule.MINUTES,
        tasks.OUTBOX_SWEEP_MINUTES,
    )


# --- the outbox in the admin -------------------------------------------------------------

OUTBOX_URL = "/admin/outbox/"


def staff_member(*groups):
    user = verified_email(UserFactory(groups=list(groups)))
    totp_authenticator(user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def a_failed_message() -> OutboundEmail:
    return a_lost_message(
        status=OutboundEmail.Status.FAILED, attempts=5, last_error="SMTPRecipientsRefused: mailbox unavailable"
    )


def test_a_failed_message_shows_in_the_outbox_for_the_secretariat(client):
    email = a_failed_message()
    client.force_login(staff_member("Secretariat"))

    response = client.get(OUTBOX_URL, {"status": "failed"})

    html = response.content.decode()
    assert response.status_code == 200
    assert email.subject in html
    assert "mailbox unavailable" in html


def test_the_outbox_shows_one_message_in_full(client):
    email = a_failed_message()
    client.force_login(staff_member("Secretariat"))

    response = client.get(f"{OUTBOX_URL}inspect/{email.pk}/")

    assert response.status_code == 200
    assert "Please pay." in response.content.decode()


def test_the_outbox_is_read_only(client):
    email = a_failed_message()
    client.force_login(staff_member("Secretariat"))

    html = client.get(OUTBOX_URL).content.decode()

    assert f"{OUTBOX_URL}add/" not in html
    assert client.get(f"{OUTBOX_URL}add/").status_code == 404
    assert client.get(f"{OUTBOX_URL}edit/{email.pk}/").status_code == 404
    assert client.post(f"{OUTBOX_URL}delete/{email.pk}/").status_code == 404


def test_editors_do_not_see_the_outbox(client):
    a_failed_message()
    client.force_login(staff_member("Editors"))

    response = client.get(OUTBOX_URL)

    assert response.status_code in (302, 403)


def test_the_outbox_is_in_the_reports_menu_of_the_secretariat_only(client):
    client.force_login(staff_member("Secretariat"))
    assert OUTBOX_URL in client.get("/admin/").content.decode()

    client.force_login(staff_member("Editors"))
    assert OUTBOX_URL not in client.get("/admin/").content.decode()
