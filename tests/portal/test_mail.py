"""The outbox: mail is stored in the request and sent once by a task after commit."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import translation

from portal.mail import email_queue, email_render_and_queue
from portal.models import OutboundEmail
from portal.tasks import email_send

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


def test_failed_send_records_the_error_and_raises_without_marking_sent(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.FlakyBackend"
    FlakyBackend.up = False
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(message=a_message(), kind="test")

    with pytest.raises(ConnectionRefusedError):
        email_send(email.pk)

    email.refresh_from_db()
    assert email.status != OutboundEmail.Status.SENT
    assert email.sent_at is None
    assert email.attempts == 1
    assert "mail server down" in email.last_error


def test_a_later_run_sends_the_mail_that_failed_before(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.FlakyBackend"
    FlakyBackend.up = False
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(message=a_message(), kind="test")
    with pytest.raises(ConnectionRefusedError):
        email_send(email.pk)

    FlakyBackend.up = True
    try:
        assert email_send(email.pk) == "sent"
    finally:
        FlakyBackend.up = False

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    assert email.last_error == ""
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
