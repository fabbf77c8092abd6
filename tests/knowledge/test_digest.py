"""The news digest: double opt-in for others, at once for an account's own address,
one-click unsubscribe headers, each reader's language, and one copy per edition."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from django.contrib.auth.models import Group

from knowledge import digest
from portal import roles
from tests.portal.test_roles import staff_member
from knowledge.models import Digest, DigestSubscription
from portal.models import OutboundEmail
from tests.events.helpers import event_page
from tests.factories import UserFactory, verified_email
from tests.portal import pages

pytestmark = pytest.mark.django_db


def _confirm_link(message) -> str:
    line = next(line for line in message.body.splitlines() if "/nieuwsbrief/confirm/" in line or "/en/digest/confirm/" in line)
    return line.strip().split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_visitor_confirms_by_the_link_before_receiving_anything(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/nieuwsbrief/", {"email": "Lezer@Example.org"})

    assert response.status_code == 302
    subscription = DigestSubscription.objects.get(email="lezer@example.org")
    assert subscription.status == DigestSubscription.Status.PENDING
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/confirm/" in line).strip()

    assert client.get(_path(link)).status_code == 200  # a link scanner opening it changes nothing
    subscription.refresh_from_db()
    assert subscription.status == DigestSubscription.Status.PENDING

    client.post(_path(link))
    subscription.refresh_from_db()
    assert subscription.status == DigestSubscription.Status.CONFIRMED


def test_a_signed_in_user_subscribing_their_verified_address_is_confirmed_at_once(client, mailoutbox):
    user = verified_email(UserFactory(email="lid@example.org", language="en"))
    client.force_login(user)

    client.post("/en/digest/", {"email": "lid@example.org"})

    subscription = DigestSubscription.objects.get(email="lid@example.org")
    assert subscription.status == DigestSubscription.Status.CONFIRMED
    assert subscription.user == user
    assert mailoutbox == []


def test_a_second_request_within_minutes_sends_no_second_confirmation(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        digest.digest_subscribe(email="a@example.org", language="nl")
        digest.digest_subscribe(email="a@example.org", language="nl")

    assert len(mailoutbox) == 1


def test_an_invalid_link_says_so_and_changes_nothing(client):
    response = client.post("/nieuwsbrief/confirm/not-a-token/")

    assert response.status_code == 400
    assert "niet geldig" in response.content.decode()


def _confirmed(email, language="nl", user=None):
    subscription = DigestSubscription.objects.create(email=email, language=language, user=user)
    subscription.status = DigestSubscription.Status.CONFIRMED
    subscription.save()
    return subscription


@pytest.fixture
def news():
    index = pages.news_index(pages.home())
    item = pages.news_item(index, title="Nieuwe ledenvergadering", lead="Kom naar de vergadering.")
    pages.translate(index, "en", title="News", slug="news")
    pages.translate(item, "en", title="New general meeting", lead="Come to the meeting.")
    return item


def test_digest_goes_to_confirmed_readers_in_their_language_with_unsubscribe_headers(
    news, mailoutbox, django_capture_on_commit_callbacks
):
    _confirmed("nl@example.org", "nl")
    _confirmed("en@example.org", "en")
    DigestSubscription.objects.create(email="pending@example.org")
    event_page(title="Kennissessie straks", start=timezone.now() + timedelta(days=10))

    with django_capture_on_commit_callbacks(execute=True):
        edition = digest.digest_send_now(actor=None)

    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"nl@example.org", "en@example.org"}
    assert "Nieuwe ledenvergadering" in by_address["nl@example.org"].body
    assert "Kennissessie straks" in by_address["nl@example.org"].body
    assert "New general meeting" in by_address["en@example.org"].body
    assert "Nieuwe" not in by_address["en@example.org"].body
    headers = by_address["en@example.org"].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<http") and "/en/digest/unsubscribe/" in headers["List-Unsubscribe"]
    edition.refresh_from_db()
    assert edition.recipients == 2


def test_delivering_an_edition_again_sends_nobody_a_second_copy(news, mailoutbox, django_capture_on_commit_callbacks):
    _confirmed("nl@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        edition = digest.digest_send_now(actor=None)

    assert digest.digest_deliver(digest=edition) == 0
    assert len(mailoutbox) == 1
    assert OutboundEmail.objects.filter(kind="digest").count() == 1


def test_the_monthly_edition_is_created_once_per_month(news, django_capture_on_commit_callbacks):
    _confirmed("nl@example.org")
    now = timezone.make_aware(datetime.datetime(2026, 12, 1, 8, 0))
    with django_capture_on_commit_callbacks(execute=True):
        first = digest.digest_monthly(now=now)
        second = digest.digest_monthly(now=now + timedelta(hours=1))

    assert first.pk == second.pk and first.key == "2026-12"
    assert Digest.objects.count() == 1


def test_one_click_unsubscribe_by_post_from_the_mail_client(client):
    subscription = _confirmed("nl@example.org")

    response = client.post(f"/nieuwsbrief/unsubscribe/{subscription.token}/", {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == DigestSubscription.Status.UNSUBSCRIBED


def test_an_unsubscribed_reader_gets_no_digest(news, mailoutbox, django_capture_on_commit_callbacks):
    subscription = _confirmed("nl@example.org")
    digest.digest_unsubscribe(token=subscription.token)

    with django_capture_on_commit_callbacks(execute=True):
        digest.digest_send_now(actor=None)

    assert mailoutbox == []


def test_editor_sends_a_digest_from_the_admin(client, news, django_capture_on_commit_callbacks, mailoutbox):
    _confirmed("nl@example.org")
    client.force_login(staff_member(Group.objects.get(name=roles.EDITORS)))

    assert client.get("/admin/digests/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/digests/send/")

    assert response.status_code == 302
    edition = Digest.objects.get()
    assert edition.kind == Digest.Kind.MANUAL
    assert len(mailoutbox) == 1


def test_a_member_without_the_permission_cannot_send_a_digest(client):
    client.force_login(staff_member(Group.objects.get(name=roles.NORM_COMMITTEE)))

    client.post("/admin/digests/send/")

    assert not Digest.objects.exists()


def test_the_form_does_not_reveal_that_an_address_is_subscribed(client, mailoutbox):
    _confirmed("bekend@example.org")

    response = client.post("/nieuwsbrief/", {"email": "bekend@example.org"}, follow=True)

    assert "Bijna klaar" in response.content.decode()
    assert mailoutbox == []
