"""Registration: one click, prices, refusals, cancellation, payment holds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from events import services
from events.models import Registration, WaitlistEntry
from portal.exceptions import DomainError
from tests.events.helpers import event_page, member_user, non_member_user

pytestmark = pytest.mark.django_db


def actions(instance):
    return list(ModelLogEntry.objects.for_instance(instance).order_by("pk").values_list("action", flat=True))


def test_member_registers_in_one_click_and_is_confirmed():
    event = event_page()
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.price == Decimal("0.00")
    assert len(registration.code) >= 16
    assert actions(registration) == ["events.registration.created"]


def test_member_pays_member_price_and_seat_is_held_awaiting_payment():
    event = event_page(member_price=Decimal("95.00"), non_member_price=Decimal("195.00"))
    registration = services.registration_create(event=event, user=member_user())
    assert registration.status == Registration.Status.AWAITING_PAYMENT
    assert registration.price == Decimal("95.00")
    assert registration.hold_expires_at is not None
    assert registration.payment_reference.startswith(f"EV{event.pk}-")


def test_non_member_with_account_pays_non_member_price():
    event = event_page(member_price=Decimal("95.00"), non_member_price=Decimal("195.00"))
    registration = services.registration_create(event=event, user=non_member_user())
    assert registration.price == Decimal("195.00")
    assert not registration.member_price_applied


def test_registering_twice_is_refused():
    event, member = event_page(), member_user()
    services.registration_create(event=event, user=member)
    with pytest.raises(DomainError, match="al aangemeld"):
        services.registration_create(event=event, user=member)
    assert Registration.objects.count() == 1


def test_registration_before_opening_is_refused():
    event = event_page(registration_opens=timezone.now() + timedelta(days=1))
    with pytest.raises(DomainError, match="opent op"):
        services.registration_create(event=event, user=member_user())


def test_registration_after_closing_is_refused():
    event = event_page(registration_closes=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="gesloten"):
        services.registration_create(event=event, user=member_user())


def test_registration_for_cancelled_event_is_refused():
    event = event_page(is_cancelled=True)
    with pytest.raises(DomainError, match="geannuleerd"):
        services.registration_create(event=event, user=member_user())


def test_full_event_refuses_with_event_full():
    event = event_page(capacity=1)
    services.registration_create(event=event, user=member_user())
    with pytest.raises(services.EventFull):
        services.registration_create(event=event, user=member_user())
    assert Registration.objects.filter(event=event).count() == 1


def test_member_registers_a_colleague_as_a_separate_seat_at_the_guest_price():
    event = event_page(capacity=2, member_price=Decimal("0"), non_member_price=Decimal("50.00"))
    member = member_user()
    own = services.registration_create(event=event, user=member)
    guest = services.registration_create(event=event, user=member, guest_name="Joris Colleague", guest_email="joris@example.org")
    assert own.price == Decimal("0.00")
    assert guest.price == Decimal("50.00") and guest.attendee_name == "Joris Colleague"
    with pytest.raises(services.EventFull):
        services.registration_create(event=event, user=member_user())


def test_non_member_cannot_register_a_colleague():
    with pytest.raises(DomainError, match="Alleen leden"):
        services.registration_create(event=event_page(), user=non_member_user(), guest_name="Iemand")


def test_guests_refused_where_the_event_allows_none():
    with pytest.raises(DomainError, match="geen collega"):
        services.registration_create(event=event_page(allow_guests=False), user=member_user(), guest_name="Iemand")


def test_attendee_cancels_before_the_deadline():
    event = event_page()
    registration = services.registration_create(event=event, user=member_user())
    registration = services.registration_cancel(registration=registration, actor=registration.user)
    assert registration.status == Registration.Status.CANCELLED
    assert actions(registration)[-1] == "events.registration.cancelled"


def test_cancelling_after_the_deadline_is_refused():
    event = event_page(cancellation_deadline=timezone.now() + timedelta(hours=1))
    registration = services.registration_create(event=event, user=member_user())
    with pytest.raises(DomainError, match="termijn"):
        services.registration_cancel(
            registration=registration, actor=registration.user, now=timezone.now() + timedelta(hours=2)
        )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancelling_twice_is_refused():
    registration = services.registration_create(event=event_page(), user=member_user())
    services.registration_cancel(registration=registration, actor=registration.user)
    with pytest.raises(DomainError, match="al geannuleerd"):
        services.registration_cancel(registration=registration, actor=registration.user)


def test_registering_again_after_cancelling_is_allowed():
    event, member = event_page(), member_user()
    first = services.registration_create(event=event, user=member)
    services.registration_cancel(registration=first, actor=member)
    second = services.registration_create(event=event, user=member)
    assert second.status == Registration.Status.CONFIRMED and second.code != first.code


def test_payment_confirms_the_held_seat_once():
    event = event_page(member_price=Decimal("95.00"))
    registration = services.registration_create(event=event, user=member_user())
    services.registration_payment_confirm(registration=registration)
    again = services.registration_payment_confirm(registration=registration)
    assert again.status == Registration.Status.CONFIRMED and again.paid_at
    assert actions(registration).count("events.registration.paid") == 1


def test_unpaid_hold_is_released_after_its_time_and_the_seat_offered():
    event = event_page(capacity=1, member_price=Decimal("95.00"))
    held = services.registration_create(event=event, user=member_user())
    waiting = services.waitlist_join(event=event, user=member_user())
    released = services.registration_holds_release(now=held.hold_expires_at + timedelta(seconds=1))
    assert released == 1
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == Registration.Status.CANCELLED
    assert waiting.status == WaitlistEntry.Status.OFFERED
    assert "events.registration.hold_released" in actions(held)
    # A second run changes nothing.
    assert services.registration_holds_release(now=held.cancelled_at + timedelta(days=1)) == 0
