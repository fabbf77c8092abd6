"""Paid registrations through the membership app's one-off payments: the seat is held
while the payment is open, paid confirms it with a ticket, expiry releases it to the
waiting list, cancelling refunds where the event allows it."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from events import services
from events.models import Registration, WaitlistEntry
from members.models import Charge
from members.services import charges
from tests.events.helpers import event_page, member_user, non_member_user
from tests.factories import UserFactory
from tests.members import stripe_payloads as p
from tests.members.stripe_standin import stripe_api  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
Status = Registration.Status


def actions(instance):
    return list(ModelLogEntry.objects.for_instance(instance).order_by("pk").values_list("action", flat=True))


def priced_event(**fields):
    return event_page(member_price=Decimal("95.00"), non_member_price=Decimal("195.00"), **fields)


def ticket_url(event, registration):
    return event.url + event.reverse_subpage("ticket", args=[registration.code])


def paid_webhook(client, registration, *, intent="pi_reg"):
    charge = registration.charge
    session = p.payment_session(charge.stripe_session_id or f"cs_{charge.pk}", charge_pk=charge.pk,
                                amount=int(charge.amount * 100), payment_intent=intent, purpose="events.registration")
    return p.post(client, p.event("checkout.session.completed", session, created=int(time.time())))


def test_priced_registration_opens_a_payment_and_holds_the_seat_briefly(stripe_api, settings):
    settings.EVENTS_PAYMENT_HOLD_MINUTES = 30
    event = priced_event()
    registration = services.registration_create(event=event, user=member_user())

    charge = registration.charge
    assert registration.status == Status.AWAITING_PAYMENT
    assert (charge.amount, charge.status, charge.purpose) == (Decimal("95.00"), Charge.Status.OPEN, "events.registration")
    assert charge.reference == registration.payment_reference
    assert charge.expires_at == registration.hold_expires_at
    assert registration.hold_expires_at - timezone.now() <= timedelta(minutes=30)


def test_without_stripe_the_seat_is_held_for_a_transfer(settings):
    settings.STRIPE_ENABLED = False
    settings.EVENTS_TRANSFER_HOLD_DAYS = 3
    registration = services.registration_create(event=priced_event(), user=non_member_user())

    assert registration.charge.amount == Decimal("195.00")
    assert registration.hold_expires_at - timezone.now() > timedelta(days=2)


def test_free_registration_opens_no_payment():
    registration = services.registration_create(event=event_page(), user=member_user())
    assert registration.charge is None and not Charge.objects.exists()


def test_register_sends_the_member_to_stripe_checkout(stripe_api, client):
    event = priced_event()
    member = member_user()
    client.force_login(member)

    response = client.post(event.url + "register/")

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.test/")
    call = stripe_api.last("POST", "/v1/checkout/sessions")
    assert call.params["mode"] == "payment"
    assert call.params["line_items[0][price_data][unit_amount]"] == "9500"
    assert call.params["success_url"].endswith(ticket_url(event, registration) + "?paid=1")
    assert call.params["metadata[charge]"] == str(registration.charge_id)


def test_stripe_down_leaves_the_seat_held_and_offers_to_pay_again(stripe_api, client):
    event = priced_event()
    client.force_login(member_user())
    stripe_api.fail_with = 500

    response = client.post(event.url + "register/", follow=True)

    registration = Registration.objects.get()
    assert registration.status == Status.AWAITING_PAYMENT
    assert response.redirect_chain[-1][0] == ticket_url(event, registration)
    assert b"/pay/" in response.content

    stripe_api.fail_with = None
    again = client.post(ticket_url(event, registration) + "pay/")
    assert again["Location"].startswith("https://checkout.stripe.test/")


def test_webhook_payment_confirms_the_seat_and_sends_the_ticket(stripe_api, client, django_capture_on_commit_callbacks):
    event = priced_event()
    registration = services.registration_create(event=event, user=member_user())
    services.registration_checkout_start(registration=registration, success_url="https://x/ok", cancel_url="https://x/no")
    registration.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        response = paid_webhook(client, registration)

    assert response.content == b"applied"
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and registration.paid_at
    assert registration.confirmation_sent_at is not None
    assert any(registration.code in m.attachments[0][0] for m in mail.outbox if m.attachments)
    assert "events.registration.paid" in actions(registration)
    # Stripe reporting the payment again changes nothing.
    assert paid_webhook(client, registration).content == b"recorded: already paid"
    assert actions(registration).count("events.registration.paid") == 1


def test_hold_running_out_expires_the_payment_and_offers_the_seat(stripe_api):
    event = priced_event(capacity=1)
    held = services.registration_create(event=event, user=member_user())
    services.registration_checkout_start(registration=held, success_url="https://x/ok", cancel_url="https://x/no")
    waiting = services.waitlist_join(event=event, user=member_user())
    held.refresh_from_db()

    released = services.registration_holds_release(now=held.hold_expires_at + timedelta(seconds=1))

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert released == 1
    assert held.status == Status.CANCELLED and held.charge.status == Charge.Status.EXPIRED
    assert stripe_api.sessions[held.charge.stripe_session_id]["status"] == "expired"
    assert waiting.status == WaitlistEntry.Status.OFFERED


def test_expired_checkout_session_releases_the_seat(stripe_api, client):
    event = priced_event(capacity=1)
    held = services.registration_create(event=event, user=member_user())
    services.registration_checkout_start(registration=held, success_url="https://x/ok", cancel_url="https://x/no")
    waiting = services.waitlist_join(event=event, user=member_user())
    charge = Charge.objects.get(pk=held.charge_id)
    session = p.payment_session(charge.stripe_session_id, charge_pk=charge.pk, amount=9500, status="expired",
                                payment_status="unpaid", payment_intent=None)

    p.post(client, p.event("checkout.session.expired", session, created=int(charge.expires_at.timestamp())))

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == Status.CANCELLED
    assert waiting.status == WaitlistEntry.Status.OFFERED


def test_payment_after_the_seat_was_released_is_refunded(stripe_api, client, django_capture_on_commit_callbacks):
    event = priced_event()
    held = services.registration_create(event=event, user=member_user())
    services.registration_checkout_start(registration=held, success_url="https://x/ok", cancel_url="https://x/no")
    held.refresh_from_db()
    charges.charge_cancel(charge=held.charge)  # e.g. the secretariat cancelled it

    with django_capture_on_commit_callbacks(execute=True):
        paid_webhook(client, held, intent="pi_late")

    held.refresh_from_db()
    assert held.status == Status.CANCELLED
    refund = stripe_api.last("POST", "/v1/refunds")
    assert (refund.params["payment_intent"], refund.params["amount"]) == ("pi_late", "9500")
    assert "events.registration.paid_after_cancel" in actions(held)


def test_cancelling_a_paid_seat_refunds_it_through_stripe(stripe_api, client, django_capture_on_commit_callbacks):
    event = priced_event()
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    services.registration_checkout_start(registration=registration, success_url="https://x/ok", cancel_url="https://x/no")
    registration.refresh_from_db()
    paid_webhook(client, registration)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, actor=member)

    refund = stripe_api.last("POST", "/v1/refunds")
    assert (refund.params["payment_intent"], refund.params["amount"]) == ("pi_reg", "9500")
    refunded = p.refunded_charge(payment_intent="pi_reg", amount=9500, amount_refunded=9500)
    p.post(client, p.event("charge.refunded", refunded, created=int(time.time())))

    registration.refresh_from_db()
    assert registration.charge.status == Charge.Status.REFUNDED
    assert "events.registration.refunded" in actions(registration)
    client.force_login(member)
    page = client.get(ticket_url(event, registration))
    assert "95,00" in page.content.decode() or "95.00" in page.content.decode()


def test_event_without_refunds_keeps_the_payment(stripe_api, client, django_capture_on_commit_callbacks):
    event = priced_event(refund_on_cancellation=False)
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    services.registration_checkout_start(registration=registration, success_url="https://x/ok", cancel_url="https://x/no")
    registration.refresh_from_db()
    paid_webhook(client, registration)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, actor=member)

    assert not stripe_api.requests_to("POST", "/v1/refunds")
    assert Charge.objects.get().status == Charge.Status.PAID


def test_cancelling_after_the_deadline_is_refused_and_keeps_the_payment():
    event = priced_event(cancellation_deadline=timezone.now() + timedelta(hours=1))
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    with pytest.raises(Exception):
        services.registration_cancel(registration=registration, actor=member, now=timezone.now() + timedelta(hours=2))
    registration.refresh_from_db()
    assert registration.status == Status.AWAITING_PAYMENT


def test_cancelling_an_unpaid_seat_cancels_its_payment(settings, django_capture_on_commit_callbacks):
    settings.STRIPE_ENABLED = False
    member = member_user()
    registration = services.registration_create(event=priced_event(), user=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, actor=member)

    assert Charge.objects.get().status == Charge.Status.CANCELLED


def test_transfer_recorded_by_staff_confirms_and_a_cancellation_makes_a_refund_due(settings, django_capture_on_commit_callbacks):
    settings.STRIPE_ENABLED = False
    member, staff = member_user(), UserFactory()
    registration = services.registration_create(event=priced_event(), user=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_transfer_record(registration=registration, actor=staff)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.charge.method == Charge.Method.BANK_TRANSFER

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, actor=member)
    charge = Charge.objects.get()
    assert charge.refund_requested_amount == Decimal("95.00")
    charges.charge_refund_record(charge=charge, actor=staff, amount=Decimal("95.00"), refunded_on=timezone.localdate())
    assert Charge.objects.get().status == Charge.Status.REFUNDED
    assert "events.registration.refunded" in actions(registration)


def test_guest_pays_the_guest_price_with_a_payment_of_their_own(settings):
    settings.STRIPE_ENABLED = False
    member = member_user()
    event = priced_event()
    own = services.registration_create(event=event, user=member)
    guest = services.registration_create(event=event, user=member, guest_name="Joost Jansen", guest_email="joost@example.nl")

    assert (own.charge.amount, guest.charge.amount) == (Decimal("95.00"), Decimal("195.00"))
    assert own.charge_id != guest.charge_id


def test_late_payment_is_refunded_even_where_cancellations_are_not(stripe_api, client, django_capture_on_commit_callbacks):
    event = priced_event(refund_on_cancellation=False)
    held = services.registration_create(event=event, user=member_user())
    services.registration_checkout_start(registration=held, success_url="https://x/ok", cancel_url="https://x/no")
    held.refresh_from_db()
    services.registration_holds_release(now=held.charge.expires_at + timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        paid_webhook(client, held, intent="pi_late2")

    assert stripe_api.last("POST", "/v1/refunds").params["payment_intent"] == "pi_late2"
