"""The association cancels an event: an editor ticks "cancelled" and publishes. Every seat
is cancelled and paid seats refunded in full (whatever the event's own refund rule), the
waiting list is closed, and each person hears of it once, in their language."""

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from events import services
from events.models import Registration, WaitlistEntry
from members.models import Charge
from portal.audit import entry_message
from portal.exceptions import DomainError
from portal.models import OutboundEmail
from tests.events.helpers import member_user
from tests.events.test_payments import paid_webhook, priced_event
from tests.members.stripe_standin import stripe_api  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
Status = Registration.Status


def publish_cancelled(event, django_capture_on_commit_callbacks):
    event.is_cancelled = True
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()


def a_full_paid_event(client):
    """Two seats at € 95: one paid through Stripe, one still open; one person waiting."""
    event = priced_event(capacity=2, refund_on_cancellation=False)
    paid = services.registration_create(event=event, user=member_user())
    services.registration_checkout_start(registration=paid, success_url="https://x/ok", cancel_url="https://x/no")
    paid.refresh_from_db()
    paid_webhook(client, paid)
    unpaid = services.registration_create(event=event, user=member_user())
    waiting = services.waitlist_join(event=event, user=member_user())
    paid.refresh_from_db()
    assert paid.status == Status.CONFIRMED and unpaid.status == Status.AWAITING_PAYMENT
    return event, paid, unpaid, waiting


def test_cancelling_the_event_cancels_every_seat_and_refunds_the_paid_one_in_full(
    stripe_api, client, django_capture_on_commit_callbacks
):
    event, paid, unpaid, waiting = a_full_paid_event(client)

    publish_cancelled(event, django_capture_on_commit_callbacks)

    for registration in (paid, unpaid):
        registration.refresh_from_db()
        assert registration.status == Status.CANCELLED
    refund = stripe_api.last("POST", "/v1/refunds")
    assert refund.params["amount"] == "9500"  # although this event refunds no cancellation of its attendees
    assert Charge.objects.get(pk=unpaid.charge_id).status == Charge.Status.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.EVENT_CANCELLED
    entry = ModelLogEntry.objects.filter(action="events.registration.cancelled", object_id=str(paid.pk)).get()
    assert "vereniging heeft het evenement geannuleerd" in entry_message(entry)


def test_each_person_hears_once_and_the_payer_that_the_money_comes_back(
    stripe_api, client, django_capture_on_commit_callbacks
):
    event, paid, unpaid, waiting = a_full_paid_event(client)

    publish_cancelled(event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()  # published again, e.g. to mend a typo

    notices = {mail.to: mail for mail in OutboundEmail.objects.filter(kind="events.event_cancelled")}
    assert set(notices) == {paid.user.email, unpaid.user.email, waiting.user.email}
    assert event.title in notices[paid.user.email].subject
    assert "95,00" in notices[paid.user.email].body_text
    assert "95,00" not in notices[unpaid.user.email].body_text
    assert "wachtlijst" in notices[waiting.user.email].body_text
    assert len(stripe_api.requests_to("POST", "/v1/refunds")) == 1


def test_an_english_reader_gets_the_notice_in_english(stripe_api, client, django_capture_on_commit_callbacks):
    event, paid, _unpaid, _waiting = a_full_paid_event(client)
    type(paid.user).objects.filter(pk=paid.user_id).update(language="en")

    publish_cancelled(event, django_capture_on_commit_callbacks)

    notice = OutboundEmail.objects.get(kind="events.event_cancelled", to=paid.user.email)
    assert notice.subject.startswith("Cancelled:")
    assert "pays it back in full" in notice.body_text


def test_an_open_offer_cannot_be_taken_once_the_event_is_cancelled(django_capture_on_commit_callbacks):
    event = priced_event(capacity=1)
    first = services.registration_create(event=event, user=member_user())
    waiting = services.waitlist_join(event=event, user=member_user())
    services.registration_cancel(registration=first, actor=first.user)
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.OFFERED
    event.is_cancelled = True
    event.save_revision().publish()  # the cancellation run has not come yet

    with pytest.raises(DomainError):
        services.waitlist_offer_accept(entry=waiting, actor=waiting.user, now=timezone.now())


def test_nothing_happens_while_the_event_is_not_cancelled(django_capture_on_commit_callbacks):
    event = priced_event()
    registration = services.registration_create(event=event, user=member_user())

    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    result = services.event_cancellation_apply(event=event)

    registration.refresh_from_db()
    assert registration.status == Status.AWAITING_PAYMENT
    assert result == {"registrations": 0, "waitlist": 0}


def test_the_cancelled_event_page_says_so_and_offers_no_seats(client, django_capture_on_commit_callbacks):
    event = priced_event(capacity=40)
    assert "40 plaatsen vrij" in client.get(event.url).content.decode()

    publish_cancelled(event, django_capture_on_commit_callbacks)
    page = client.get(event.url).content.decode()

    assert "Dit evenement is geannuleerd." in page
    assert "plaatsen vrij" not in page
    assert "De aanmelding is gesloten." in page
